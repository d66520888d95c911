#!/usr/bin/env python3
"""fuzz/make_corpus.py — regenerates the seed corpora of the fuzz targets (fuzz/corpus/<corpus>/) from documented
examples, plus hand-written adversarial seeds, and a libFuzzer dictionary per corpus (fuzz/dict/<corpus>.dict).

Sources (the documentation as copied into ../shared and sandbox/fixtures):
  * every JSON object in ../shared/seeds/*.txt, ../shared/seeds/pages/*.txt, ../shared/api/CATALOG.md and
    ../shared/api/REAL_WORLD.md, kept as the exact text of the document (numbers keep their text: 100.00);
  * sandbox/fixtures/*.json (copied from the docs), their {{placeholders}} filled with the values of the
    documented transaction example (CATALOG §2.1.3) and the error example (§1.7);
  * the OpenAPI specs in ../shared/openapi: an instance of each response schema a target decodes, written the
    way the API reference renders examples ("<string>", 123, true, "2023-11-07T05:31:56Z"), property
    examples and the first enum value where the spec gives them, one instance per oneOf alternative.
Each corpus keeps the inputs that fit its target (by top-level keys), deduplicated, smallest first, at most
MAX_DOC_SEEDS of them, each under MAX_SEED_BYTES. Files are named <origin>_<sha1[:8]> (adv_ for hand-written).
Python standard library only. Usage: python3 fuzz/make_corpus.py [--shared DIR] [--check]
(--check: exit 1 if the committed corpora differ from what the script would write).
"""
import argparse
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MAX_DOC_SEEDS = 40
MAX_SEED_BYTES = 6000
CORPORA = ["quote", "transactions", "oneof", "webhook_event", "classify"]

# ---- documented objects -------------------------------------------------------------------------------------


def json_objects(text):
    """Every top-level JSON object of `text`: (exact source text, parsed value)."""
    dec = json.JSONDecoder()
    out, i = [], 0
    while True:
        j = text.find("{", i)
        if j < 0:
            return out
        try:
            value, end = dec.raw_decode(text, j)
        except ValueError:
            i = j + 1
            continue
        if isinstance(value, dict) and value:
            out.append((text[j:end], value))
            i = end
        else:
            i = j + 1


def origin_name(path):
    base = os.path.basename(path)
    m = re.match(r"(\d{3})_[0-9a-f]+\.txt$", base)
    if m:
        return "seed" + m.group(1)
    base = re.sub(r"\.(txt|md|json)$", "", base)
    base = re.sub(r"^api-reference__|^docs__", "", base)
    base = base.split("__")[-1]
    return re.sub(r"[^A-Za-z0-9-]+", "-", base)[:40].strip("-").lower()


def doc_sources(shared):
    files = []
    for sub in ("seeds", os.path.join("seeds", "pages")):
        d = os.path.join(shared, sub)
        if os.path.isdir(d):
            files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".txt"))
    files += [os.path.join(shared, "api", f) for f in ("CATALOG.md", "REAL_WORLD.md")]
    out = []
    for f in files:
        if not os.path.exists(f):
            continue
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for raw, value in json_objects(text):
            out.append(("doc-" + origin_name(f), raw, value))
    return out


# ---- sandbox fixtures ------------------------------------------------------------------------------------------

ROW = None  # the documented transaction row, filled in fixture_sources
FILL = {
    "id": '"WePZCYJW7cdXR7SxUMp8mE"', "key": '"WePZCYJW7cdXR7SxUMp8mE"', "accountId": '"WQ5RyhdFzE45qjsomdzQ1u"',
    "customerId": '"WePZCYZjAK97cJWokfH3Jc"', "externalCustomerId": '"testCustomer"', "externalId": '"testCustomer"',
    "transactionType": '"CRYPTO_PURCHASE"', "status": '"SETTLED"', "sourceAmount": "100.00",
    "sourceCurrencyCode": '"USD"', "destinationAmount": "0.00105423", "destinationCurrencyCode": '"BTC"',
    "paymentMethodType": '"CREDIT_DEBIT_CARD"', "serviceProvider": '"TOPPER"',
    "serviceTransactionId": '"1f0d470c-f5c2-6fc2-a54d-b6cdd6b6f014"', "externalReferenceId": '"testSession"',
    "createdAt": '"2025-12-08T20:03:07.173223Z"', "updatedAt": '"2025-12-08T20:08:08.877106Z"',
    "countryCode": '"US"', "sessionId": '"WePjVaT4iBHPpqW49F419x"', "externalSessionId": '"testSession"',
    "fiatAmountInUsd": "100.00", "serviceProviderCreatedAt": '"2025-12-08T20:02:22Z"', "orderId": "null",
    "count": "1", "remaining": "0", "totalCount": "1", "code": '"BAD_REQUEST"', "message": '"Bad request"',
    "errors": '["[amount] Must be a decimal value greater than zero"]',
    "requestId": '"eb6aaa76bd7103cf6c5b090610c31913"', "timestamp": '"2022-01-19T20:32:30.784928Z"',
    "parentPaymentTransactionId": "null", "description": "null", "isImported": "false",
}
FIXTURES = {  # fixture -> corpus
    "crypto_quote.json": "quote", "crypto_quote_eth.json": "quote",
    "crypto_quote_no_valid_combinations.json": "quote",
    "payments_transactions_page.json": "transactions", "payments_transaction_row.json": "transactions",
    "payments_transaction.json": "transactions", "payments_transaction_wrapper.json": "transactions",
    "crypto_virtual_account_onramp_order.json": "oneof", "error.json": "classify",
}


def fill(text):
    return re.sub(r'"\{\{(\w+)\}\}"', lambda m: ROW if m.group(1) == "transactions" and ROW
                  else FILL.get(m.group(1), '"<%s>"' % m.group(1)), text)


def fixture_sources():
    global ROW
    d = os.path.join(ROOT, "sandbox", "fixtures")
    row_path = os.path.join(d, "payments_transaction_row.json")
    if os.path.exists(row_path):
        with open(row_path) as fh:
            ROW = "[" + fill(fh.read()).strip() + "]"
    out = []
    for name, corpus in sorted(FIXTURES.items()):
        p = os.path.join(d, name)
        if not os.path.exists(p):
            continue
        with open(p) as fh:
            raw = fill(fh.read()).strip()
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        out.append(("fixture-" + name[:-5].replace("_", "-"), raw, value, corpus))
    return out


# ---- OpenAPI instances ------------------------------------------------------------------------------------------


def instances(spec, schema, depth=0):
    """Instances of `schema` as the API reference renders examples; several when it holds a oneOf."""
    if depth > 8:
        return ["null"]
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return instances(spec, spec["components"]["schemas"][name], depth + 1)
    if "oneOf" in schema or "anyOf" in schema:
        out = []
        for alt in schema.get("oneOf", schema.get("anyOf")):
            out += instances(spec, alt, depth + 1)[:1]
        return out
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            while "$ref" in part:
                part = spec["components"]["schemas"][part["$ref"].split("/")[-1]]
            merged["properties"].update(part.get("properties", {}))
        return instances(spec, merged, depth + 1)
    if "example" in schema:
        return [json.dumps(schema["example"])]
    if "enum" in schema:
        return [json.dumps(schema["enum"][0])]
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t == "object" or "properties" in schema:
        members = [(k, instances(spec, v, depth + 1)) for k, v in schema.get("properties", {}).items()]
        if not members:
            return ['{"key":"<string>"}' if schema.get("additionalProperties") else "{}"]
        out = []
        variants = max(len(v) for _, v in members)
        for i in range(variants):  # instance i takes alternative i of every oneOf member
            out.append("{" + ",".join('"%s":%s' % (k, v[min(i, len(v) - 1)]) for k, v in members) + "}")
        return out
    if t == "array":
        return ["[" + v + "]" for v in instances(spec, schema.get("items", {}), depth + 1)]
    if t == "number":
        return ["123"]
    if t == "integer":
        return ["123"]
    if t == "boolean":
        return ["true"]
    if schema.get("format") == "date-time":
        return ['"2023-11-07T05:31:56Z"']
    return ['"<string>"']


SPEC_SEEDS = [  # (spec, schema, corpus)
    ("crypto-20260203.json", "CryptoQuoteResponse20260203", "quote"),
    ("crypto-20260203.json", "CryptoQuoteResponse", "quote"),
    ("payments-20260203.json", "PaymentTransactionListResponse20250304", "transactions"),
    ("crypto-20260203.json", "PaymentTransactionListResponse20250304", "transactions"),
    ("crypto-20260203.json", "PaymentTransactionListResponse20230401", "transactions"),
    ("crypto-20260203.json", "PaymentTransactionListResponse", "transactions"),
    ("crypto-20260203.json", "VirtualAccountOnrampOrderResponse", "oneof"),
    ("crypto-20260203.json", "CryptoBuySessionData", "oneof"),
    ("crypto-20260203.json", "CryptoSellSessionData", "oneof"),
    ("crypto-20260203.json", "CryptoTransferSessionData", "oneof"),
    ("crypto-20260203.json", "PaymentMethod", "oneof"),
    ("crypto-20260203.json", "ErrorResponse", "classify"),
]


def spec_sources(shared):
    out = []
    for spec_name, schema, corpus in SPEC_SEEDS:
        p = os.path.join(shared, "openapi", spec_name)
        if not os.path.exists(p):
            continue
        with open(p) as fh:
            spec = json.load(fh)
        if schema not in spec["components"]["schemas"]:
            continue
        for raw in instances(spec, {"$ref": "#/components/schemas/" + schema}):
            out.append(("spec-" + re.sub(r"(?<!^)(?=[A-Z])", "-", schema).lower()[:40], raw, json.loads(raw), corpus))
        # The spec's request examples that are, or hold, a oneOf input (the widget's sessionData, paymentMethod).
        for path in spec.get("paths", {}).values():
            for op in path.values():
                if not isinstance(op, dict):
                    continue
                ex = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
                if corpus == "oneof" and isinstance(ex, dict):
                    for k in ("sessionData", "paymentMethod"):
                        if isinstance(ex.get(k), dict):
                            out.append(("spec-example-" + k.lower(), json.dumps(ex[k]), ex[k], "oneof"))
    return out


# ---- which corpus an object belongs to --------------------------------------------------------------------------

TX_KEYS = {"transactionType", "sourceAmount", "status"}
ERROR_KEYS = {"code", "errors", "requestId"}


def route(raw, value):
    """(corpus, input text) pairs for a documented object."""
    out = []
    if "quotes" in value:
        out.append(("quote", raw))
    if "transactions" in value and isinstance(value["transactions"], list):
        out.append(("transactions", raw))
    if "transaction" in value and isinstance(value["transaction"], dict):
        out.append(("transactions", '{"transactions":[' + json.dumps(value["transaction"]) + '],"count":1,'
                                    '"remaining":0,"totalCount":1}'))
    elif TX_KEYS <= set(value):
        out.append(("transactions", '{"transactions":[' + raw + '],"count":1,"remaining":0,"totalCount":1}'))
    if "receivingBankInformation" in value:
        out.append(("oneof", raw))
    for k in ("sessionData", "paymentMethod"):
        if isinstance(value.get(k), dict):
            out.append(("oneof", json.dumps(value[k])))
    if "eventType" in value:
        out.append(("webhook_event", raw))
    if (set(value) & ERROR_KEYS or isinstance(value.get("error"), str)) and not {"eventType", "transactions"} & set(value):
        status = "400"
        code = value.get("code") or value.get("error")
        if isinstance(code, str):
            status = {"UNAUTHORIZED": "401", "NOT_FOUND": "404", "TOO_MANY_REQUESTS": "429",
                      "QUOTE_TIMEOUT": "408", "TOO_EARLY": "425"}.get(code, status)
        out.append(("classify", status + "\napplication/json\nreq-1\n" + raw))
    return out


def real_world_errors(shared):
    """Error bodies for the codes REAL_WORLD.md lists ("Codes seen: ..."), in the shape of CATALOG §1.7's
    example, with the status it names (else 401 for UNAUTHORIZED, 400); plus its two variants (the category
    under `error`, and serviceProviderDetails.message)."""
    p = os.path.join(shared, "api", "REAL_WORLD.md")
    if not os.path.exists(p):
        return []
    with open(p, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r"Codes seen:(.*?)(?:\n- |\n\n)", text, re.S)
    if not m:
        return []
    out = []
    for code, note in re.findall(r"`([A-Z_]+)`(?:\s*\(([^)]*)\))?", m.group(1)):
        status = re.search(r"\b([1-5]\d\d)\b", note or "")
        status = status.group(1) if status else "401" if code == "UNAUTHORIZED" else "400"
        msg = re.search(r'"([^"]*)"', note or "")
        body = {"code": code, "message": msg.group(1) if msg else code.replace("_", " ").capitalize(),
                "errors": [], "requestId": "eb6aaa76bd7103cf6c5b090610c31913",
                "timestamp": "2022-01-19T20:32:30.784928Z"}
        out.append(("doc-real-world-codes", status + "\napplication/json\nreq-1\n" + json.dumps(body)))
    out.append(("doc-real-world-codes", '400\napplication/json;charset=UTF-8\n\n{"error":"NO_VALID_QUOTES",'
                '"message":"No quotes"}'))
    out.append(("doc-real-world-codes", '400\napplication/json\nreq-2\n{"code":"BAD_REQUEST","message":'
                '"Bad request","serviceProviderDetails":{"message":"Card declined by the provider"}}'))
    return out


# ---- hand-written adversarial seeds -----------------------------------------------------------------------------


def adversarial():
    deep = lambda n, leaf: "[" * n + leaf + "]" * n
    deep_obj = lambda n: '{"a":' * n + "1" + "}" * n
    frac18 = "0.123456789012345678"
    q = lambda fields: '{"quotes":[{' + fields + "}]}"
    tx = lambda fields: '{"transactions":[{' + fields + '}],"count":1,"remaining":0,"totalCount":1}'
    seeds = {
        "quote": {
            "frac18": q('"sourceAmount":%s,"destinationAmount":-%s,"exchangeRate":1e-9999' % (frac18, frac18)),
            "huge": q('"sourceAmount":123456789012345678901234567890.5e9999,"totalFee":-0.0,"networkFee":1E+2'),
            "numeric-strings": q('"sourceAmount":"+5","totalFee":"05.10","partnerFee":"1e2","isNativeAvailable":"true"'),
            "nulls": '{"quotes":[null,{"sourceAmount":null,"rampIntelligence":null,"serviceProvider":null}],'
                     '"message":null,"error":null,"timestamp":null}',
            "wrong-type-deep": q('"rampIntelligence":{"rampScore":{"x":[1]}}'),
            "deep-error": '{"quotes":null,"error":' + deep(60, "1") + "}",
            "deep-33": '{"quotes":[{"sourceAmount":1}],"error":' + deep(33, "1") + "}",
            "too-deep": '{"quotes":null,"error":' + deep(70, "1") + "}",
            "dup-keys": '{"quotes":[{"sourceAmount":1}],"quotes":[{"sourceAmount":2,"sourceAmount":3}]}',
            "unknown-enum": q('"serviceProvider":"NEW_PROVIDER","paymentMethodType":7,"transactionType":true'),
            "timestamps": '{"quotes":[],"timestamp":"2026-02-25T18:55:08.968360756Z"}',
            "bad-timestamp": '{"timestamp":"2262-04-11T23:47:16.854775808Z"}',
            "escapes": q('"countryCode":"U\\u0053","sourceCurrencyCode":"\\ud83d\\ude00"'),
            "top-array": "[1,2,3]",
            "empty": "",
        },
        "transactions": {
            "frac18": tx('"key":"a","sourceAmount":%s,"cryptoDetails":{"totalFee":%s}' % (frac18, frac18)),
            "int-range": '{"count":2147483648,"remaining":-2147483649,"totalCount":1e2,"transactions":[]}',
            "int-forms": '{"count":"7","remaining":100.0,"totalCount":"1e1"}',
            "nulls": '{"transactions":[null,{"key":null,"customer":null,"cryptoDetails":null,'
                     '"sessionClientTags":null,"multiFactorAuthorizationStatus":[null]}],"count":null}',
            "wrong-type-deep": tx('"key":"a","customer":{"id":{"x":1}}'),
            "raw-deep": tx('"key":"a","serviceProviderDetails":' + deep_obj(60)),
            "too-deep": tx('"key":"a","serviceProviderDetails":' + deep_obj(70)),
            "repeated-keys": '{"transactions":[{"key":"a"},{"key":"a"}],"remaining":5}',
            "missing-key": '{"transactions":[{"key":"a"},{},{"key":"b"}],"remaining":1}',
            "tags": tx('"key":"k","sessionClientTags":{"a":"1","a":"2","":"","b":3}'),
            "huge": tx('"key":"k","fiatAmountInUsd":9' + "9" * 300 + 'e9999'),
        },
        "oneof": {
            "tag-sepa": '{"receivingBankInformation":{"paymentMethodType":"SEPA","iban":"DE89"}}',
            "tag-unknown": '{"receivingBankInformation":{"paymentMethodType":"WIRE","accountNumber":"1"}}',
            "tag-dup": '{"receivingBankInformation":{"paymentMethodType":"ACH","paymentMethodType":"SEPA"}}',
            "tag-wrong-type": '{"receivingBankInformation":{"paymentMethodType":1,"iban":null}}',
            "null-alt": '{"receivingBankInformation":null,"serviceProviderDetails":null}',
            "no-alt-fits": '{"receivingBankInformation":[1]}',
            "session-sell": '{"redirectFlow":null}',
            "session-transfer": '{"sourceCurrencyCodes":["BTC",null],"walletTag":null}',
            "session-wrong-type-deep": '{"kycInfo":{"kycProvider":{"a":[{}]}}}',
            "method-sepa": '{"details":{"iban":null},"owner":null,"type":"SEPA"}',
            "method-deep": '{"details":{"beneficiaryAddress":' + deep_obj(62) + "}}",
            # finding 2 (fuzz/README.md): the tag must still choose below 32 levels of nesting
            "finding2-deep-tag": '{"receivingBankInformation":{"paymentMethodType":"LOCAL_BANK_TRANSFER",'
                                 '"accountNumber":"1","x":' + deep(33, "0") + "}}",
            "nested-deep": deep(63, '{"receivingBankInformation":{}}'),
        },
        "webhook_event": {
            "nanos": '{"eventType":"CUSTOMER_KYC_STATUS_CHANGE","timestamp":"2026-02-25T18:55:08.968360756Z",'
                     '"payload":{"statusUpdatedAt":"2026-02-25T18:55:08.968360756+01:00","kycRecepient":null}}',
            "unknown-type": '{"eventType":"PAYOUT_SOMETHING_NEW","payload":{"amount":0.123456789012345678,'
                            '"x":[null,true,{"y":1e400}]}}',
            "nulls": '{"eventType":"TRANSACTION_CRYPTO_PENDING","eventId":null,"timestamp":null,"payload":null}',
            "wrong-type-deep": '{"eventType":"BANK_LINKING_ACCOUNTS_UPDATED","payload":{"financialAccounts":'
                               '[{"products":[{"a":1}]}]}}',
            "int-range": '{"eventType":"BANK_LINKING_TRANSACTIONS_AGGREGATED","payload":{"financialAccounts":'
                         '[{"numTransactionsAdded":9223372036854775808}]}}',
            "type-number": '{"eventType":5,"payload":{}}',
            "type-null": '{"eventType":null}',
            "deep-payload": '{"eventType":"X","payload":' + deep(62, "0") + "}",
            "dup-type": '{"eventType":"TEST","eventType":"WEBHOOK_TEST","payload":{"requestId":1}}',
        },
        "classify": {
            "quote-400": '400\napplication/json\n\n{"quotes":null,"error":"No Valid Quote Combinations Found"}',
            "key-echo": '401\napplication/json; charset=utf-8\nreq-@KEY@\n{"code":"UNAUTHORIZED","message":'
                        '"invalid key @AUTH@","errors":["@SECRET@","@B64@"],"requestId":"@KEY@",'
                        '"serviceProviderDetails":{"message":"@SECRET@"}}',
            "rid-cut": '500\napplication/problem+json\n' + "r" * 100 + "@AUTH@\n{}",
            "html-200": '200\ntext/html; x=' + "a" * 40 + '\n\n<html>@KEY@</html>',
            "redirect": '302\ntext/html\n\n<a href="https://elsewhere">moved</a>',
            "status-0": '0\n\n\n',
            "status-999": '999\napplication/json\n\n{"code":"X"}',
            "wrong-types": '422\nApplication/JSON \nx\n{"code":1,"error":"E","message":[],"errors":[1,null,"a"],'
                           '"requestId":{},"timestamp":2,"serviceProviderDetails":"s"}',
            "not-json": '503\ntext/plain\n\nService Unavailable',
            "deep": '400\napplication/json\n\n' + deep(70, '{"code":"X"}'),
            "empty-200": '204\n\n\n',
            # finding 1 (fuzz/README.md): a secret straddling the 80th character of a quoted content type
            "finding1-cut-type": '218\n4n@B64@e"@KEY@\n\ne',
            "deep-40": '400\napplication/json\nreq-1\n{"code":"BAD_REQUEST","message":"Bad request",'
                       '"serviceProviderDetails":{"error":' + deep(40, '{"message":"deep"}') + '}}',
        },
    }
    return seeds


# ---- dictionaries -----------------------------------------------------------------------------------------------

JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '""', "null", "true", "false", "-0", "0.0", "1e2", "1E-9999",
               "1e9999", "0.123456789012345678", "9223372036854775808", "2147483648", '"\\u0000"', '"\\ud800"',
               '"2026-02-25T18:55:08.968360756Z"', '"2022-01-19"']


def keys_of(value, acc):
    if isinstance(value, dict):
        for k, v in value.items():
            acc.add(k)
            keys_of(v, acc)
    elif isinstance(value, list):
        for v in value:
            keys_of(v, acc)


def dict_escape(tok):
    """libFuzzer's dictionary syntax: printable ASCII, with \\, \" and \\xNN escapes."""
    out = ""
    for b in tok.encode():
        c = chr(b)
        out += "\\" + c if c in '\\"' else c if 32 <= b < 127 else "\\x%02X" % b
    return out


def dictionary(corpus, texts):
    keys = set()
    for t in texts:
        body = t.split("\n", 3)[-1] if corpus == "classify" else t
        try:
            keys_of(json.loads(body), keys)
        except ValueError:
            pass
    lines = ["# fuzz/dict/%s.dict — generated by fuzz/make_corpus.py: JSON tokens and the member names of the seeds" % corpus]
    tokens = JSON_TOKENS + ['"%s"' % k for k in sorted(keys) if re.fullmatch(r"[A-Za-z0-9_$.-]{1,40}", k)]
    if corpus == "classify":
        tokens += ["@KEY@", "@SECRET@", "@AUTH@", "@B64@", "application/json", "+json", ";", "\n", "200", "302", "400",
                   "429", "500", "600"]
    for i, tok in enumerate(dict.fromkeys(tokens)):
        lines.append('t%d="%s"' % (i, dict_escape(tok)))
    return "\n".join(lines) + "\n"


# ---- main -------------------------------------------------------------------------------------------------------


def build(shared):
    picked = {c: {} for c in CORPORA}  # corpus -> {text: origin}
    candidates = []
    for origin, raw, value in doc_sources(shared):
        for corpus, text in route(raw, value):
            candidates.append((corpus, origin, text))
    for origin, raw, value, corpus in fixture_sources() + spec_sources(shared):
        if corpus == "classify":
            candidates.append((corpus, origin, "400\napplication/json\nreq-1\n" + raw))
            continue
        candidates.append((corpus, origin, raw))
        # A response that carries an error (the quote's {"quotes":null,"error":...}) is an error body too.
        candidates += [(c, origin, text) for c, text in route(raw, value) if c == "classify"]
    candidates += [("classify", origin, text) for origin, text in real_world_errors(shared)]
    # The webhook target's documented deliveries, without their signature lines.
    wdir = os.path.join(HERE, "corpus", "webhook")
    if os.path.isdir(wdir):
        for f in sorted(os.listdir(wdir)):
            with open(os.path.join(wdir, f), encoding="utf-8", errors="replace") as fh:
                body = fh.read().split("\n", 2)[-1]
            candidates.append(("webhook_event", "delivery-" + f.replace("_", "-"), body))
    for corpus, origin, text in candidates:
        if corpus == "classify" and not text.split("\n", 1)[0].isdigit():
            continue
        if len(text.encode()) <= MAX_SEED_BYTES and text not in picked[corpus]:
            picked[corpus][text] = origin
    files = {}
    for corpus in CORPORA:
        # Smallest first, but every origin gets a turn before any origin gets a second seed.
        by_origin = {}
        for text, origin in sorted(picked[corpus].items(), key=lambda kv: (len(kv[0]), kv[0])):
            by_origin.setdefault(origin, []).append(text)
        chosen, rnd = [], 0
        while len(chosen) < MAX_DOC_SEEDS and any(len(v) > rnd for v in by_origin.values()):
            for origin in sorted(by_origin):
                if len(by_origin[origin]) > rnd and len(chosen) < MAX_DOC_SEEDS:
                    chosen.append((origin, by_origin[origin][rnd]))
            rnd += 1
        out = {}
        for origin, text in chosen:
            out["%s_%s" % (origin, hashlib.sha1(text.encode()).hexdigest()[:8])] = text
        for name, text in adversarial()[corpus].items():
            out["adv_" + name] = text
        files[corpus] = out
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    files = build(os.path.abspath(args.shared))
    differ = False
    os.makedirs(os.path.join(HERE, "dict"), exist_ok=True)
    for corpus, entries in files.items():
        d = os.path.join(HERE, "corpus", corpus)
        os.makedirs(d, exist_ok=True)
        wanted = dict(entries)
        wanted_dict = dictionary(corpus, list(entries.values()))
        existing = set(os.listdir(d))
        if args.check:
            for name, text in wanted.items():
                p = os.path.join(d, name)
                if not os.path.exists(p) or open(p, encoding="utf-8").read() != text:
                    print("differs:", p)
                    differ = True
            for name in existing - set(wanted):
                print("extra:", os.path.join(d, name))
                differ = True
            continue
        for name in existing - set(wanted):
            os.remove(os.path.join(d, name))
        for name, text in wanted.items():
            with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        with open(os.path.join(HERE, "dict", corpus + ".dict"), "w", encoding="utf-8") as fh:
            fh.write(wanted_dict)
        size = sum(len(t.encode()) for t in wanted.values())
        print("%-14s %3d files %7d bytes" % (corpus, len(wanted), size))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
