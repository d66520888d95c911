// Integration tests, groups C: bank_linking (19 operations). Every operation goes through meld::client over TLS
// against the local sandbox and checks the typed result; typed errors: 404 (unknown connection / account /
// transaction / holding / institution), 409 (repair / refresh / update / delete rules of CATALOG §2.9), 400
// (limit above the maximum, products already on the connection). Requests are named variables before co_await.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>

namespace asio = boost::asio;
using meld_test::call;
using meld_test::call_error;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

namespace {

// The seeded data set (sandbox/README.md, "Bank linking").
constexpr char const* active_connection = "WGumJ72d21SDCyma5Ax51k";
constexpr char const* reconnect_connection = "WQ4KqLuBYYTYHi2YATXYdB";
constexpr char const* expired_connection = "WGuEzMHgUFDzumu6zVRyw5";
constexpr char const* checking_account = "W9ja25UmrZF25xbG22wdd";
constexpr char const* brokerage_account = "WQ44KLVNHt9ARfp7aRWCC4";
constexpr char const* seed_customer = "W9ja24edcTHBks8h2e2dww";

}  // namespace

TEST_CASE("groups: bank_linking connect start / repair and the connection lifecycle")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::bank_linking;
    using P = connection_product;

    // connect/start: a new IN_PROGRESS connection for the known customer
    connect_start_request const start{
        .externalCustomerId = "testCustomer", .institutionSearchString = "Fidelity",
        .optionalProducts = std::vector<P>{P::INVESTMENT_HOLDINGS},
        .products = std::vector<P>{P::BALANCES, P::OWNERS, P::IDENTIFIERS, P::TRANSACTIONS},
        .regions = std::vector<std::string>{"US", "CA"}};
    auto started = call(ioc, [&] { return meld.bank_linking.connect.start(start); });
    REQUIRE(started.id);
    CHECK(started.id->size() == 22);
    CHECK(started.customerId == seed_customer);
    CHECK(started.externalCustomerId == "testCustomer");
    REQUIRE(started.connectToken);
    CHECK(started.connectToken->starts_with("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."));
    CHECK(started.widgetUrl == "https://institution-connect-sb.meld.io?connectToken=" + *started.connectToken);

    // a product in both lists -> 400
    connect_start_request const overlap{.externalCustomerId = "testCustomer",
                                        .optionalProducts = std::vector<P>{P::BALANCES},
                                        .products = std::vector<P>{P::BALANCES}};
    auto [oec, ocode] = call_error(ioc, [&] { return meld.bank_linking.connect.start(overlap); });
    CHECK(oec == meld::api_errc::bad_request);
    CHECK(ocode == "BAD_REQUEST");

    connections_get_request const get_new{.connectionId = *started.id};
    auto fresh = call(ioc, [&] { return meld.bank_linking.connections.get(get_new); });
    CHECK(fresh.status == "IN_PROGRESS");
    CHECK(fresh.customerId == seed_customer);
    REQUIRE(fresh.products);
    CHECK(fresh.products->size() == 4);
    CHECK(fresh.regions->at(1) == "CA");

    // repair: 409 for IN_PROGRESS / EXPIRED, allowed for RECONNECT_REQUIRED (status unchanged)
    connect_repair_request const repair_new{.connectionId = *started.id};
    auto [rec, rcode] = call_error(ioc, [&] { return meld.bank_linking.connect.repair(repair_new); });
    CHECK(rec == meld::api_errc::conflict);
    CHECK(rcode == "CONFLICT");
    connect_repair_request const repair_expired{.connectionId = std::string(expired_connection)};
    auto [rec2, rcode2] = call_error(ioc, [&] { return meld.bank_linking.connect.repair(repair_expired); });
    CHECK(rec2 == meld::api_errc::conflict);
    connect_repair_request const repair{.connectionId = std::string(reconnect_connection)};
    auto repaired = call(ioc, [&] { return meld.bank_linking.connect.repair(repair); });
    CHECK(repaired.id == reconnect_connection);
    CHECK(repaired.institutionId == "W4AAAFPgUVB85QnQDu5xhU");
    CHECK(repaired.widgetUrl == "https://institution-connect-sb.meld.io?connectToken=" + *repaired.connectToken);
    connect_repair_request const repair_unknown{.connectionId = "WnoSuchConnection12345"};
    auto [uec, ucode] = call_error(ioc, [&] { return meld.bank_linking.connect.repair(repair_unknown); });
    CHECK(uec == meld::api_errc::not_found);

    // refresh: 409 for RECONNECT_REQUIRED, 202 for ACTIVE
    connections_refresh_request const refresh_broken{.connectionId = reconnect_connection};
    auto [fec, fcode] = call_error(ioc, [&] { return meld.bank_linking.connections.refresh(refresh_broken); });
    CHECK(fec == meld::api_errc::conflict);
    CHECK(fcode == "CONFLICT");
    connections_refresh_request const refresh{.connectionId = active_connection,
                                              .products = std::vector<P>{P::TRANSACTIONS}};
    auto refreshed = call(ioc, [&] { return meld.bank_linking.connections.refresh(refresh); });
    CHECK(refreshed.requestId->size() == 32);
    REQUIRE(refreshed.serviceProviderDetails);
    CHECK(refreshed.serviceProviderDetails->text().find("\"serviceProvider\":\"PLAID\"") != std::string::npos);

    // update: adds to optionalProducts; a product already there -> 400; EXPIRED -> 409
    connections_update_request const add{.connectionId = *started.id, .products = {P::INVESTMENT_TRANSACTIONS}};
    auto added = call(ioc, [&] { return meld.bank_linking.connections.update(add); });
    CHECK(added.requestId->size() == 32);
    auto updated = call(ioc, [&] { return meld.bank_linking.connections.get(get_new); });
    REQUIRE(updated.optionalProducts);
    CHECK(updated.optionalProducts->back() == P::INVESTMENT_TRANSACTIONS);
    auto [aec, acode] = call_error(ioc, [&] { return meld.bank_linking.connections.update(add); });
    CHECK(aec == meld::api_errc::bad_request);
    connections_update_request const add_expired{.connectionId = expired_connection, .products = {P::BALANCES}};
    auto [xec, xcode] = call_error(ioc, [&] { return meld.bank_linking.connections.update(add_expired); });
    CHECK(xec == meld::api_errc::conflict);

    // search: newest first, keys, paging, filters
    connections_search_request const all{};
    auto page = call(ioc, [&] { return meld.bank_linking.connections.search(all); });
    REQUIRE(page.connections->size() == 4);
    CHECK(page.count == 4);
    CHECK(page.remaining == 0);
    CHECK(page.connections->front().id == started.id);
    CHECK(page.connections->at(1).id == active_connection);
    CHECK(page.connections->at(1).successfullyAggregatedAt.has_value());
    for (auto const& c : *page.connections) CHECK(c.key->size() == 64);
    connections_search_request const first{.limit = 1};
    auto p1 = call(ioc, [&] { return meld.bank_linking.connections.search(first); });
    CHECK(p1.remaining == 3);
    connections_search_request const second{.after = *p1.connections->front().key, .limit = 2};
    auto p2 = call(ioc, [&] { return meld.bank_linking.connections.search(second); });
    REQUIRE(p2.connections->size() == 2);
    CHECK(p2.connections->front().id == active_connection);
    CHECK(p2.remaining == 1);
    connections_search_request const by_status{.statuses = std::vector<std::string>{"RECONNECT_REQUIRED", "EXPIRED"}};
    auto broken = call(ioc, [&] { return meld.bank_linking.connections.search(by_status); });
    CHECK(broken.count == 2);
    connections_search_request const by_name{.institutionName = "bank of"};
    auto boa = call(ioc, [&] { return meld.bank_linking.connections.search(by_name); });
    REQUIRE(boa.count == 1);
    CHECK(boa.connections->front().statusReason == "LOGIN_REQUIRED");
    connections_search_request const bad_key{.after = "notAKey"};
    auto [kec, kcode] = call_error(ioc, [&] { return meld.bank_linking.connections.search(bad_key); });
    CHECK(kec == meld::api_errc::bad_request);

    // import (PLAID): a new connection for the external customer
    connections_import_connections_request const import{
        .connections = {import_plaid_details{.externalCustomerId = "imported-1",
                                             .serviceProvider = service_provider::PLAID,
                                             .accessToken = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970"}}};
    auto imported = call(ioc, [&] { return meld.bank_linking.connections.import_connections(import); });
    CHECK(imported.requestId->size() == 32);
    connections_search_request const by_customer{.externalCustomerId = "imported-1"};
    auto mine = call(ioc, [&] { return meld.bank_linking.connections.search(by_customer); });
    REQUIRE(mine.count == 1);
    CHECK(mine.connections->front().status == "ACTIVE");

    // delete: 204, then DELETED; again -> 409; its accounts are gone; unknown -> 404
    connections_remove_request const del{.connectionId = active_connection};
    auto deleted = call(ioc, [&] { return meld.bank_linking.connections.remove(del); });
    CHECK(deleted.text() == "null");
    connections_get_request const get_deleted{.connectionId = active_connection};
    auto gone = call(ioc, [&] { return meld.bank_linking.connections.get(get_deleted); });
    CHECK(gone.status == "DELETED");
    auto [dec, dcode] = call_error(ioc, [&] { return meld.bank_linking.connections.remove(del); });
    CHECK(dec == meld::api_errc::conflict);
    CHECK(dcode == "CONFLICT");
    accounts_get_request const acct{.financialAccountId = checking_account};
    auto [gec, gcode] = call_error(ioc, [&] { return meld.bank_linking.accounts.get(acct); });
    CHECK(gec == meld::api_errc::not_found);
    connections_get_request const unknown{.connectionId = "WnoSuchConnection12345"};
    auto [nec, ncode] = call_error(ioc, [&] { return meld.bank_linking.connections.get(unknown); });
    CHECK(nec == meld::api_errc::not_found);
    CHECK(ncode == "NOT_FOUND");
}

TEST_CASE("groups: bank_linking accounts, processor token, transactions (paging by key)")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::bank_linking;

    accounts_search_request const all{};
    auto accounts = call(ioc, [&] { return meld.bank_linking.accounts.search(all); });
    REQUIRE(accounts.financialAccounts->size() == 2);
    CHECK(accounts.remaining == 0);
    auto const& checking = accounts.financialAccounts->front();
    CHECK(checking.id == checking_account);
    CHECK(checking.key->size() == 64);
    CHECK(checking.balances->currentAmount->text() == "3578.41");
    CHECK(checking.identifiers->ach->routingNumber == "023000797");
    CHECK(checking.owners->front().names->front() == "George Jones");
    CHECK(checking.type == financial_account_type::DEPOSITORY);
    CHECK(checking.subtype == financial_account_subtype::CHECKING);
    accounts_search_request const one{.connectionId = std::string(active_connection), .limit = 1};
    auto a1 = call(ioc, [&] { return meld.bank_linking.accounts.search(one); });
    CHECK(a1.count == 1);
    CHECK(a1.remaining == 1);

    accounts_get_request const get{.financialAccountId = brokerage_account};
    auto brokerage = call(ioc, [&] { return meld.bank_linking.accounts.get(get); });
    CHECK(brokerage.type == financial_account_type::INVESTMENT);
    CHECK_FALSE(brokerage.balances->availableAmount.has_value());

    accounts_create_processor_token_request const tok{
        .financialAccountId = checking_account,
        .processor = financial_account_processor_create_token_response_processor::STRIPE};
    auto token = call(ioc, [&] { return meld.bank_linking.accounts.create_processor_token(tok); });
    CHECK(token.processor == financial_account_processor_create_token_response_processor::STRIPE);
    CHECK(token.serviceProvider == service_provider::PLAID);
    CHECK(token.token->starts_with("processor-sandbox-"));
    accounts_create_processor_token_request const tok_unknown{
        .financialAccountId = "WnoSuchAccount12345678",
        .processor = financial_account_processor_create_token_response_processor::DWOLLA};
    auto [tec, tcode] = call_error(ioc, [&] { return meld.bank_linking.accounts.create_processor_token(tok_unknown); });
    CHECK(tec == meld::api_errc::not_found);

    // transactions: default limit 100 of 180 (150 checking, then 30 brokerage), newest first per account
    transactions_search_request const first{};
    auto p1 = call(ioc, [&] { return meld.bank_linking.transactions.search(first); });
    REQUIRE(p1.financialAccountTransactions->size() == 100);
    CHECK(p1.remaining == 80);
    auto const& doc = p1.financialAccountTransactions->front();
    CHECK(doc.id == "W9ja24xnWMVFc1s7D3rewfw");
    CHECK(doc.amount->text() == "2018.27");
    CHECK(doc.description == "Payment to Chase card ending in 1234");
    std::set<std::string> keys;
    for (auto const& t : *p1.financialAccountTransactions) keys.insert(*t.key);
    CHECK(keys.size() == 100);
    CHECK(p1.financialAccountTransactions->at(1).transactionDate->text() <
          p1.financialAccountTransactions->at(0).transactionDate->text());

    transactions_search_request const next{.after = *p1.financialAccountTransactions->back().key};
    auto p2 = call(ioc, [&] { return meld.bank_linking.transactions.search(next); });
    REQUIRE(p2.financialAccountTransactions->size() == 80);
    CHECK(p2.remaining == 0);
    CHECK(p2.financialAccountTransactions->back().financialAccountId == brokerage_account);
    transactions_search_request const back{.before = *p2.financialAccountTransactions->front().key, .limit = 10};
    auto pb = call(ioc, [&] { return meld.bank_linking.transactions.search(back); });
    REQUIRE(pb.financialAccountTransactions->size() == 10);
    CHECK(pb.financialAccountTransactions->back().key == p1.financialAccountTransactions->back().key);
    CHECK(pb.remaining == 90);

    transactions_search_request const by_account{.financialAccountId = std::string(brokerage_account), .limit = 1000};
    auto br = call(ioc, [&] { return meld.bank_linking.transactions.search(by_account); });
    CHECK(br.count == 30);
    transactions_search_request const pending{.status = financial_account_investment_transaction_status::PENDING};
    auto pe = call(ioc, [&] { return meld.bank_linking.transactions.search(pending); });
    CHECK(pe.count == 5);
    for (auto const& t : *pe.financialAccountTransactions) CHECK_FALSE(t.postedDate.has_value());
    transactions_search_request const window{.startDate = "2022-02-28", .endDate = "2022-02-28"};
    auto w = call(ioc, [&] { return meld.bank_linking.transactions.search(window); });
    CHECK(w.count >= 1);
    for (auto const& t : *w.financialAccountTransactions) CHECK(t.transactionDate->text().starts_with("2022-02-28"));

    transactions_search_request const too_many{.limit = 1001};
    auto [lec, lcode] = call_error(ioc, [&] { return meld.bank_linking.transactions.search(too_many); });
    CHECK(lec == meld::api_errc::bad_request);
    CHECK(lcode == "BAD_REQUEST");

    transactions_get_request const tget{.transactionId = "W9ja24xnWMVFc1s7D3rewfw"};
    auto t = call(ioc, [&] { return meld.bank_linking.transactions.get(tget); });
    CHECK(t.amount->text() == "2018.27");
    CHECK(t.category->str() == "Fee");
    CHECK(t.status == financial_account_transaction_status::POSTED);
    transactions_get_request const tmissing{.transactionId = "WnoSuchTransaction1234"};
    auto [mec, mcode] = call_error(ioc, [&] { return meld.bank_linking.transactions.get(tmissing); });
    CHECK(mec == meld::api_errc::not_found);
    CHECK(mcode == "NOT_FOUND");
}

TEST_CASE("groups: bank_linking investments (20-digit decimals) and institutions")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    using namespace meld::bank_linking;

    investments_holdings_search_request const hs{.financialAccountId = std::string(brokerage_account)};
    auto holdings = call(ioc, [&] { return meld.bank_linking.investments.holdings.search(hs); });
    REQUIRE(holdings.investmentHoldings->size() == 2);
    auto const& rklb = holdings.investmentHoldings->front();
    CHECK(rklb.symbol == "RKLB");
    CHECK(rklb.quantity->text() == "2.00000000000000000000");
    CHECK(rklb.currentValue->text() == "11.12000000000000000000");
    CHECK(rklb.key->size() == 64);
    CHECK(holdings.investmentHoldings->back().type == financial_account_investment_holding_type::ETF);

    investments_holdings_get_request const hg{.investmentHoldingId = "WQ57LwnwzUo5WMM5Fi7nn2"};
    auto h = call(ioc, [&] { return meld.bank_linking.investments.holdings.get(hg); });
    CHECK(h.costBasis->text() == "11.11000000000000000000");
    CHECK(h.isin == "US7731221062");
    CHECK(h.type->str() == "stock");  // the documented spelling, kept raw by the open enum
    investments_holdings_get_request const hmissing{.investmentHoldingId = "WnoSuchHolding12345678"};
    auto [hec, hcode] = call_error(ioc, [&] { return meld.bank_linking.investments.holdings.get(hmissing); });
    CHECK(hec == meld::api_errc::not_found);

    using S = financial_account_investment_transaction_status;
    investments_transactions_search_request const ts{.statuses = std::vector<S>{S::POSTED}};
    auto txs = call(ioc, [&] { return meld.bank_linking.investments.transactions.search(ts); });
    REQUIRE(txs.investmentTransactions->size() == 1);
    CHECK(txs.remaining == 0);
    CHECK(txs.investmentTransactions->front().quantity->text() == "2.00000000000000000000");
    investments_transactions_get_request const tg{.investmentTransactionId = "WQ57iFJpqR524P82QZrFiW"};
    auto it = call(ioc, [&] { return meld.bank_linking.investments.transactions.get(tg); });
    CHECK(it.amount->text() == "11.11000000000000000000");
    CHECK(it.costBasis->text() == "5.56000000000000000000");
    CHECK(it.status == S::POSTED);
    investments_transactions_get_request const tmissing{.investmentTransactionId = "WnoSuchInvestmentTx123"};
    auto [iec, icode] = call_error(ioc, [&] { return meld.bank_linking.investments.transactions.get(tmissing); });
    CHECK(iec == meld::api_errc::not_found);

    // institutions: default limit 10 of 12, by rank
    institutions_search_request const is{};
    auto i1 = call(ioc, [&] { return meld.bank_linking.institutions.search(is); });
    REQUIRE(i1.institutions->size() == 10);
    CHECK(i1.remaining == 2);
    CHECK(i1.institutions->front().name == "Chase");
    institutions_search_request const is2{.after = *i1.institutions->back().key};
    auto i2 = call(ioc, [&] { return meld.bank_linking.institutions.search(is2); });
    CHECK(i2.count == 2);
    CHECK(i2.remaining == 0);
    institutions_search_request const by_name{.name = "schwab"};
    auto sch = call(ioc, [&] { return meld.bank_linking.institutions.search(by_name); });
    REQUIRE(sch.count == 1);
    CHECK(sch.institutions->front().providers->count("AKOYA") == 1);
    institutions_search_request const too_many{.limit = 1001};
    auto [lec, lcode] = call_error(ioc, [&] { return meld.bank_linking.institutions.search(too_many); });
    CHECK(lec == meld::api_errc::bad_request);

    institutions_get_request const ig{.institutionId = "Ntj3AwgdridJc2rtfeheku"};
    auto chase = call(ioc, [&] { return meld.bank_linking.institutions.get(ig); });
    CHECK(chase.name == "Chase");
    CHECK(chase.rank == 1);
    REQUIRE(chase.providers);
    CHECK(chase.providers->at("PLAID").oauth == true);
    CHECK(chase.providers->at("MX").products->size() == 6);
    institutions_get_request const imissing{.institutionId = "WnoSuchInstitution1234"};
    auto [gec, gcode] = call_error(ioc, [&] { return meld.bank_linking.institutions.get(imissing); });
    CHECK(gec == meld::api_errc::not_found);
    CHECK(gcode == "NOT_FOUND");
}
