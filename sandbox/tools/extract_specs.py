#!/usr/bin/env python3
"""extract_specs.py - derive meld-sandbox data from Meld's OpenAPI specs (Python 3 stdlib only).

    python3 sandbox/tools/extract_specs.py --specs ../shared/openapi --out sandbox

Writes
  * sandbox/rules/rules_<group>.json: per operation (method + path) the required/typed query, path and header
    parameters and a simplified request-body schema ({"t": type, "req": [...], "props": {...}, "enum": [...],
    "items": ...}). The sandbox reads them at start-up to validate requests generically (400 BAD_REQUEST).
  * sandbox/fixtures/<name>.json: the response examples the specs carry (`examples` of a 2xx response), with
    number text preserved exactly (10.0 stays 10.0) by a loader that keeps every number's source text and a
    custom writer.

The script is deterministic; re-running it reproduces the committed files byte for byte.
"""
import argparse
import json
import os
import sys

GROUP_OF_FILE = {
    "banklinking": "bank_linking", "beta": "activity_log", "crypto": "crypto", "customer": "customers",
    "networkpartner": "network_partners", "payments": "payments", "serviceproviders": "service_providers",
    "webhooks": "webhooks",
}
# (spec file, path, example name) -> fixture name. Only network partners' spec has response examples.
EXAMPLE_FIXTURES = {
    ("networkpartner", "/network-partner/supported/countries", "supportedCountries"): "network_partners_countries",
    ("networkpartner", "/network-partner/supported/countries", "scopedSupportedCountries"):
        "network_partners_countries_scoped",
    ("networkpartner", "/network-partner/supported/currencies", "supportedCurrencies"): "network_partners_currencies",
    ("networkpartner", "/network-partner/supported/fiat-limits", "supportedProviderFiatLimits"):
        "network_partners_fiat_limits",
    ("networkpartner", "/network-partner/supported/kyc-limits", "supportedProviderKycLimits"):
        "network_partners_kyc_limits",
    ("networkpartner", "/network-partner/supported/partners", "supportedPartners"): "network_partners_partners",
    ("networkpartner", "/network-partner/supported/payment-methods", "supportedPaymentMethods"):
        "network_partners_payment_methods",
    ("networkpartner",
     "/network-partner/supported/routes/{category}/{countryCode}/{sourceCurrencyCode}/{destinationCurrencyCode}",
     "supportedRoutes"): "network_partners_routes",
}


class Num(str):
    """A JSON number, kept as its source text."""


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(f.read(), parse_float=Num, parse_int=Num)


def write_json(v, indent=0):
    """Pretty JSON writer that writes Num as its original text."""
    pad = "  " * indent
    if isinstance(v, Num):
        return str(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        if not v:
            return "[]"
        if all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(write_json(x) for x in v) + "]"
        return "[\n" + ",\n".join(pad + "  " + write_json(x, indent + 1) for x in v) + "\n" + pad + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [pad + "  " + json.dumps(k, ensure_ascii=False) + ": " + write_json(x, indent + 1) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    raise TypeError(type(v))


def resolve(spec, s):
    seen = 0
    while isinstance(s, dict) and "$ref" in s:
        name = s["$ref"].split("/")[-1]
        kind = s["$ref"].split("/")[-2]
        s = spec["components"][kind][name]
        seen += 1
        if seen > 50:
            raise ValueError("ref loop")
    return s


def simplify(spec, s, depth=0):
    s = resolve(spec, s)
    if not isinstance(s, dict):
        return {"t": "any"}
    if "allOf" in s:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in s["allOf"]:
            part = resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        s = merged
    alts = s.get("oneOf") or s.get("anyOf")
    if alts:
        kinds = {resolve(spec, a).get("type", "object" if "properties" in resolve(spec, a) else "any") for a in alts}
        return {"t": kinds.pop()} if len(kinds) == 1 and "any" not in kinds else {"t": "any"}
    t = s.get("type")
    if isinstance(t, list):  # 3.1 ["string", "null"]
        t = [x for x in t if x != "null"]
        t = t[0] if len(t) == 1 else None
    if t == "array" or "items" in s:
        out = {"t": "array"}
        if depth < 6 and s.get("items"):
            out["items"] = simplify(spec, s["items"], depth + 1)
        return out
    if t == "object" or "properties" in s:
        out = {"t": "object"}
        props = s.get("properties", {})
        if depth < 6 and props:
            out["props"] = {k: simplify(spec, v, depth + 1) for k, v in props.items()}
        if s.get("required"):
            out["req"] = list(s["required"])
        return out
    if t in ("string", "number", "integer", "boolean"):
        out = {"t": t}
        if "enum" in s:
            out["enum"] = [e for e in s["enum"] if e is not None]
        return out
    return {"t": "any"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--specs", required=True)
    ap.add_argument("--out", required=True, help="the sandbox directory")
    a = ap.parse_args()
    rules = {}
    written = []
    for fname in sorted(os.listdir(a.specs)):
        if not fname.endswith(".json"):
            continue
        stem = fname.split("-")[0]
        group = GROUP_OF_FILE.get(stem)
        if group is None:
            continue
        spec = load(os.path.join(a.specs, fname))
        for path, ops in spec["paths"].items():
            for method, op in ops.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                params = []
                for p in ops.get("parameters", []) + op.get("parameters", []):
                    p = resolve(spec, p)
                    if p["in"] not in ("query", "path", "header"):
                        continue
                    entry = {"in": p["in"], "name": p["name"], "required": bool(p.get("required"))}
                    entry.update(simplify(spec, p.get("schema", {})))
                    params.append(entry)
                rule = {"method": method.upper(), "path": path, "params": params}
                body = op.get("requestBody")
                if body:
                    body = resolve(spec, body)
                    content = body.get("content", {}).get("application/json")
                    if content:
                        rule["body"] = simplify(spec, content.get("schema", {}))
                        rule["bodyRequired"] = bool(body.get("required"))
                key = rule["method"] + " " + path
                rules.setdefault(group, {})
                if key not in rules[group]:
                    rules[group][key] = rule
                for code, resp in op.get("responses", {}).items():
                    for ct, c in resp.get("content", {}).items():
                        for ex_name, ex in c.get("examples", {}).items():
                            name = EXAMPLE_FIXTURES.get((stem, path, ex_name))
                            if name and code.startswith("2"):
                                text = write_json(resolve(spec, ex)["value"]) + "\n"
                                with open(os.path.join(a.out, "fixtures", name + ".json"), "w", encoding="utf-8") as f:
                                    f.write(text)
                                written.append(name)
    # GET /payments/transactions{,/{id}} is in crypto and payments: the payments group owns it (names.json).
    for key in ("GET /payments/transactions", "GET /payments/transactions/{id}"):
        rules.get("crypto", {}).pop(key, None)
    for group, ops in sorted(rules.items()):
        text = write_json({"group": group, "operations": list(ops.values())}) + "\n"
        if len(text) > 60000:
            print(f"rules_{group}.json is {len(text)} bytes (> 60000)", file=sys.stderr)
            return 1
        with open(os.path.join(a.out, "rules", f"rules_{group}.json"), "w", encoding="utf-8") as f:
            f.write(text)
    print("fixtures:", ", ".join(sorted(written)))
    print("rules:", ", ".join(f"{g} ({len(o)})" for g, o in sorted(rules.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
