-- benchmarks/wrk_quote.lua — the wrk request scripts/bench.sh sends to nginx: the same POST
-- /payments/crypto/quote that bench_quote's clients send (headers and JSON body as meld::client writes them;
-- wrk adds Host from the URL). Usage: wrk -t1 -c64 -d5s -s benchmarks/wrk_quote.lua https://localhost:PORT
wrk.method = "POST"
wrk.path = "/payments/crypto/quote"
wrk.body = '{"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"}'
wrk.headers["User-Agent"] = "wrk"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "BASIC bench-key"
wrk.headers["Meld-Version"] = "2026-02-03"
wrk.headers["Content-Type"] = "application/json"
