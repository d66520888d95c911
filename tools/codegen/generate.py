#!/usr/bin/env python3
"""meld-cpp code generator: Meld OpenAPI 3.1 specs -> C++20 models, endpoint descriptors, API group objects.

Usage:
    generate.py --specs <dir with *.json> --out <repo root>     write the generated files
    generate.py --specs <dir with *.json> --check <repo root>   regenerate into a temp dir, exit 1 on any difference

Inputs besides the specs (next to this script):
    names.json     spec file stem -> API group; "METHOD /path" -> C++ call path ("crypto.quote");
                   optional per-spec "type_names" (schema -> C++ name) for schemas named meaninglessly;
                   "handwritten": "METHOD /path" -> {call, descriptor, header, source} for guide-only
                   operations whose descriptors are written by hand (include/meld/handwritten/): the group
                   objects and docs/reference.md include them; an error once a spec declares the operation.
                   Operations without an entry (or with null) are not generated.
    overlays.json  "reality overlays": what real answers carry that the specs do not say (shared/api/REAL_WORLD.md,
                   CATALOG.md), per spec schema: `add_properties` (fields the spec omits, e.g. a second name
                   the guides use), `replace_properties` (a property's schema replaced, e.g. a oneOf of the
                   shapes seen), `nullable` (properties that must be std::optional: a list, or "*" for all;
                   checked, and forced even on request-side models), `notes` (a comment emitted above a
                   member). Every entry must name a generated struct and existing properties. The audit
                   behind each entry: docs/overlays.md.

Outputs (relative to the repo root):
    include/meld/generated/models/<group>.hpp      namespace meld::<group> (+ meld::validation_rules<T> tables)
    include/meld/generated/endpoints/<group>.hpp   namespace meld::endpoints::<group>
    include/meld/generated/groups/<group>.hpp      class meld::<group>_api
    include/meld/generated/groups/all.hpp          class meld::detail::api_groups
    docs/reference.md                              operation table + naming rules

Python 3.11 standard library only. Output is deterministic: no timestamps, no dict-order dependence
beyond the (ordered) spec and names.json files.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import re
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OVERLAY_KEY = "x-meld-overlay"  # schema annotation carrying overlays.json "nullable" / "notes" to build_struct
GENERATOR = "tools/codegen/generate.py"

# --------------------------------------------------------------------------------------------------------------
# Identifier hygiene
# --------------------------------------------------------------------------------------------------------------

CPP_KEYWORDS = frozenset(
    """alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t
    class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
    decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto
    if inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected
    public register reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
    switch template this thread_local throw true try typedef typeid typename union unsigned using virtual void
    volatile wchar_t while xor xor_eq final override import module""".split()
)

# Object-like macros defined by common C/C++/POSIX/Windows headers (or by GNU dialects: unix, linux).
MACRO_PRONE = frozenset(
    """NULL EOF TRUE FALSE DOMAIN OVERFLOW UNDERFLOW SING TLOSS PLOSS stdin stdout stderr unix linux i386 errno
    assert EDOM ERANGE EILSEQ INFINITY NAN HUGE_VAL BUFSIZ EXIT_SUCCESS EXIT_FAILURE RAND_MAX SEEK_SET SEEK_CUR
    SEEK_END FILENAME_MAX CHAR_BIT CLOCKS_PER_SEC MB_LEN_MAX NDEBUG DEBUG IN OUT OPTIONAL DELETE ERROR ABSOLUTE
    RELATIVE TRANSPARENT OPAQUE INFINITE IGNORE CONST VOID BOOL BYTE CHAR INT LONG SHORT FLOAT DOUBLE PASCAL
    CALLBACK WINAPI APIENTRY NEAR FAR NO_ERROR interface small major minor""".split()
)

IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_reserved_identifier(s: str) -> bool:
    return "__" in s or (len(s) >= 2 and s[0] == "_" and s[1].isupper())


def sanitize_identifier(raw: str, extra_reserved: frozenset[str] = frozenset()) -> str:
    """Leading digit -> '_' prefix; invalid chars -> '_'; keywords and macro-prone names -> '_' suffix."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", raw)
    if not s:
        s = "_empty"
    if s[0].isdigit():
        s = "_" + s
    if is_reserved_identifier(s):
        s = "v" + s
        s = re.sub(r"__+", "_", s)
    if s in CPP_KEYWORDS or s in MACRO_PRONE or s in extra_reserved:
        s += "_"
    return s


def split_words(name: str) -> list[str]:
    """CamelCase / snake / kebab / spaced name -> words (acronyms kept together)."""
    s = re.sub(r"[^0-9A-Za-z]+", " ", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", s)
    return [w for w in s.split() if w]


def snake(name: str) -> str:
    return "_".join(w.lower() for w in split_words(name))


VERSION_RE = re.compile(r"(?:V|_)?(?:19|20)\d{6}(?=[A-Z_]|$)|_\d{4}_\d{2}_\d{2}(?=[A-Z_]|$)")


def strip_version(name: str) -> str:
    return VERSION_RE.sub("", name) or name


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suf in ("sses", "uses", "xes", "ches", "shes"):
        if word.endswith(suf):
            return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return word


def header_member_name(header: str) -> str:
    """`Meld-Account-Id` -> `meldAccountId`."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", header) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:].lower() for p in parts[1:])


def cpp_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------------------------------------------
# Type IR
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class T:
    """A C++ type expression. kind: str bool i32 i64 dec ts raw vec map opt struct enum variant."""

    kind: str
    arg: object = None  # element T (vec/map/opt), name (struct), enum key (enum), tuple of T (variant)


STR, BOOL, I32, I64, DEC, TS, RAW = (T(k) for k in ("str", "bool", "i32", "i64", "dec", "ts", "raw"))


@dataclass
class Member:
    json_name: str
    ident: str
    type: T
    required: bool
    location: str = "body"  # path / query / header / body (request types only)
    wire_name: str = ""
    # validation rules from the spec's constraints: (kind, value, on) with on = "value" or "items"
    rules: list[tuple[str, str, str]] = field(default_factory=list)
    nullable: bool = False  # overlays.json "nullable": std::optional whatever the mode
    note: str = ""  # overlays.json "notes": a comment emitted above the member


@dataclass
class Struct:
    name: str
    mode: str  # "req" (required members plain) or "resp" (every member optional)
    members: list[Member]
    origin: str  # schema name or synthetic description (for the report)


@dataclass
class Alias:
    name: str
    type: T


@dataclass
class VariantTraits:
    type: T
    discriminator: str
    tags: list[list[str]]  # accepted tags per alternative index


@dataclass
class Operation:
    group: str
    call: str  # "payments.transactions.get"
    ident: str  # "transactions_get"
    spec_file: str
    method: str
    path: str
    operation_id: str
    request: Struct | None = None
    response: T | None = None
    idempotency_key: bool = False
    paginated: bool = False
    requires_auth: bool = True
    has_body: bool = False
    # hand-written descriptors (names.json "handwritten"): types as spelled in the header, header, source
    hand_request: str = ""
    hand_response: str = ""
    hand_header: str = ""
    hand_source: str = ""


class GenError(Exception):
    pass


# --------------------------------------------------------------------------------------------------------------
# Per-group model builder
# --------------------------------------------------------------------------------------------------------------

CONSTRAINT_KEYS = frozenset({"minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
                             "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "minProperties",
                             "maxProperties"})


def number_text(v) -> str:
    """A JSON number of a constraint as decimal text (0.0 -> "0")."""
    if isinstance(v, bool):
        raise GenError(f"not a number: {v!r}")
    if isinstance(v, int):
        return str(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def scalar_rules(kw: dict, t: T, on: str) -> list[tuple[str, str, str]]:
    """Rules of the scalar keywords that apply to a value of type `t` (strings, numbers, enums, maps)."""
    out: list[tuple[str, str, str]] = []
    if t.kind == "str":
        if kw.get("minLength", 0) > 0:
            out.append(("min_length", str(kw["minLength"]), on))
        if "maxLength" in kw:
            out.append(("max_length", str(kw["maxLength"]), on))
        if "pattern" in kw:
            # meld::detail::validation::pattern_matcher implements the regular subset of ECMAScript
            if re.search(r"\(\?[=!<]|\\[1-9bBk]", kw["pattern"]):
                raise GenError(f"pattern {kw['pattern']!r} uses lookaround, back-references or \\b, which "
                               "meld/detail/validation_regex.hpp does not support")
            out.append(("pattern", kw["pattern"], on))
    elif t.kind in ("dec", "i32", "i64"):
        # OpenAPI 3.1: exclusiveMinimum/Maximum are numbers; 3.0: booleans qualifying minimum/maximum
        excl_min = kw.get("exclusiveMinimum")
        excl_max = kw.get("exclusiveMaximum")
        if "minimum" in kw:
            out.append(("exclusive_minimum" if excl_min is True else "minimum", number_text(kw["minimum"]), on))
        if "maximum" in kw:
            out.append(("exclusive_maximum" if excl_max is True else "maximum", number_text(kw["maximum"]), on))
        if excl_min is not None and not isinstance(excl_min, bool):
            out.append(("exclusive_minimum", number_text(excl_min), on))
        if excl_max is not None and not isinstance(excl_max, bool):
            out.append(("exclusive_maximum", number_text(excl_max), on))
    elif t.kind == "enum":
        out.append(("one_of", "", on))
    elif t.kind == "map" and on == "value":
        if kw.get("minProperties", 0) > 0:
            out.append(("min_properties", str(kw["minProperties"]), on))
        if "maxProperties" in kw:
            out.append(("max_properties", str(kw["maxProperties"]), on))
    return out


class GroupModel:
    def __init__(self, group: str, spec_file: str, spec: dict):
        self.group = group
        self.spec_file = spec_file
        self.spec = spec
        self.schemas: dict = spec.get("components", {}).get("schemas", {})
        self.ops: list[Operation] = []
        self.hand_ops: list[Operation] = []  # hand-written descriptors the group object exposes too
        # component schema name -> set of modes it is reachable in
        self.reach: dict[str, set[str]] = {}
        self.schema_names: dict[str, str] = {}  # component -> C++ name
        self.structs: dict[str, Struct] = {}  # C++ name -> Struct
        self.aliases: dict[str, Alias] = {}
        self.struct_order: list[str] = []  # names in emission (dependency) order
        self.enum_uses: dict[tuple, list[tuple]] = {}  # values -> [(owner, prop, component or None)]
        self.enum_names: dict[tuple, str] = {}
        self.variant_traits: dict[T, VariantTraits] = {}
        self.escaped: list[tuple[str, str, str]] = []  # (struct, json name, C++ name)
        self._building: set[str] = set()
        self.invalid: set[str] = set()  # spec defects worked around (reported)

    # ---- schema helpers ------------------------------------------------------------------------------------

    def deref(self, node: dict) -> tuple[str | None, dict]:
        ref = node.get("$ref")
        if ref is None:
            return None, node
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise GenError(f"{self.spec_file}: unsupported $ref {ref}")
        name = ref[len(prefix):]
        if name not in self.schemas:
            raise GenError(f"{self.spec_file}: dangling $ref {ref}")
        return name, self.schemas[name]

    @staticmethod
    def is_annotation_only(node: dict) -> bool:
        keys = set(node) - {"description", "default", "example", "examples", "title", "readOnly", "writeOnly",
                            "deprecated", "nullable", "minLength", "maxLength", "pattern", "minimum", "maximum",
                            "format", "x-default"}
        return not keys

    def real_parts(self, node: dict) -> list[dict]:
        return [p for p in node.get("allOf", []) if not self.is_annotation_only(p)]

    def is_object_like(self, node: dict) -> bool:
        if "$ref" in node:
            return self.is_object_like(self.deref(node)[1])
        if "properties" in node:
            return True
        parts = self.real_parts(node)
        if len(parts) > 1:
            return True
        if len(parts) == 1:
            return self.is_object_like(parts[0])
        return False

    def flatten(self, node: dict) -> tuple[dict, set[str]]:
        """Merged (ordered) properties and required set of an object-like schema (allOf composed)."""
        if "$ref" in node:
            return self.flatten(self.deref(node)[1])
        props: dict = {}
        required: set[str] = set()
        for part in self.real_parts(node):
            p, r = self.flatten(part)
            for k, v in p.items():
                props[k] = v  # a later part refines the type but keeps the first position
            required |= r
        for k, v in node.get("properties", {}).items():
            if not isinstance(v, dict):  # e.g. a stray "example" list inside "properties": not a property
                self.invalid.add(f"{self.spec_file}: property {k!r} is not a schema ({type(v).__name__}); ignored")
                continue
            props[k] = v
        required |= set(node.get("required", []))
        return props, required

    def discriminator_of(self, node: dict, seen=None) -> dict | None:
        seen = seen or set()
        name, node = self.deref(node)
        if name in seen:
            return None
        if name:
            seen.add(name)
        if "discriminator" in node:
            return node["discriminator"]
        for part in node.get("allOf", []):
            d = self.discriminator_of(part, seen)
            if d:
                return d
        return None

    # ---- validation constraints -----------------------------------------------------------------------------

    def constraint_keywords(self, node: dict, seen: frozenset = frozenset()) -> dict:
        """The validation keywords that apply to a schema node: those of a $ref'd scalar/array component, of
        annotation-only allOf parts, of a lone real allOf part, and the node's own (which win)."""
        out: dict = {}
        if not isinstance(node, dict):
            return out
        if "$ref" in node:
            name, target = self.deref(node)
            if name not in seen and not self.is_object_like(target) and "oneOf" not in target \
                    and "anyOf" not in target:
                out.update(self.constraint_keywords(target, seen | {name}))
        if "properties" not in node:
            real = self.real_parts(node)
            for part in node.get("allOf", []):
                if self.is_annotation_only(part) or (len(real) == 1 and part is real[0]):
                    out.update(self.constraint_keywords(part, seen))
        out.update({k: v for k, v in node.items() if k in CONSTRAINT_KEYS})
        return out

    def items_node(self, node: dict, seen: frozenset = frozenset()) -> dict | None:
        """The `items` schema of an array node (through $ref and a lone real allOf part)."""
        if not isinstance(node, dict):
            return None
        if "items" in node:
            return node["items"]
        if "$ref" in node:
            name, target = self.deref(node)
            return None if name in seen else self.items_node(target, seen | {name})
        real = self.real_parts(node)
        return self.items_node(real[0], seen) if len(real) == 1 else None

    def member_rules(self, node: dict, t: T, spec_required_but_optional: bool) -> list[tuple[str, str, str]]:
        """Validation rules of a request-side member of type `t` declared by schema `node`."""
        rules: list[tuple[str, str, str]] = []
        if spec_required_but_optional:
            rules.append(("required", "", "value"))
        kw = self.constraint_keywords(node)
        if t.kind == "vec":
            if kw.get("minItems", 0) > 0:
                rules.append(("min_items", str(kw["minItems"]), "value"))
            if "maxItems" in kw:
                rules.append(("max_items", str(kw["maxItems"]), "value"))
            if kw.get("uniqueItems") is True:
                rules.append(("unique_items", "", "value"))
            items = self.items_node(node)
            # a comma-separated query list is a string schema: its constraints apply to each element
            item_kw = self.constraint_keywords(items) if items is not None else kw
            rules += scalar_rules(item_kw, t.arg, "items")
        else:
            rules += scalar_rules(kw, t, "value")
        return rules

    # ---- pass A: reachability and modes ---------------------------------------------------------------------

    def walk(self, node, mode: str):
        """Marks every component schema reachable from `node` as used in `mode` ("req" / "resp")."""
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name, target = self.deref(node)
            modes = self.reach.setdefault(name, set())
            if mode not in modes:
                modes.add(mode)
                self.walk(target, mode)
            return
        for v in node.get("properties", {}).values():
            self.walk(v, mode)
        for key in ("items", "additionalProperties", "not"):
            self.walk(node.get(key), mode)
        for key in ("allOf", "oneOf", "anyOf"):
            for v in node.get(key, []):
                self.walk(v, mode)

    def walk_body(self, schema: dict):
        """A request body is flattened into the request type: walk its properties, not the body schema."""
        props, _ = self.flatten(schema)
        for v in props.values():
            self.walk(v, "req")

    def assign_schema_names(self, overrides: dict[str, str]):
        """snake_case of the schema name without its version date, unless that collides (then the date stays
        as a suffix); names.json "type_names" overrides a spec's meaningless names (Response1)."""
        for n, cpp in overrides.items():
            if n not in self.schemas:
                raise GenError(f"names.json type_names: {n} is not a schema of {self.spec_file}")
            if n in self.reach:
                self.schema_names[n] = cpp
        stripped: dict[str, list[str]] = {}
        for n in sorted(self.reach):
            if n not in overrides:
                stripped.setdefault(snake(strip_version(n)), []).append(n)
        for base, names in stripped.items():
            if len(names) == 1:
                self.schema_names[names[0]] = base
            else:  # collision: each keeps its version tag (payment_transaction_response_20230401)
                for n in names:
                    tags = ["".join(c for c in m.group(0) if c != "_").lower() for m in VERSION_RE.finditer(n)]
                    self.schema_names[n] = "_".join([base] + tags)
        taken = Counter(self.schema_names.values())
        dups = [n for n, c in taken.items() if c > 1]
        if dups:
            raise GenError(f"{self.group}: schema names collide after snake_case: {dups}")

    # ---- pass B: IR -----------------------------------------------------------------------------------------

    def struct_mode(self, component: str) -> str:
        return "req" if self.reach.get(component) == {"req"} else "resp"

    def type_of(self, node: dict, owner: str, prop: str, mode: str) -> T:
        """C++ type of a schema node met as property `prop` of struct `owner`."""
        if "$ref" in node:
            name, target = self.deref(node)
            return self.component_type(name, target)
        if "oneOf" in node or "anyOf" in node:
            return self.variant_type(node, owner, prop, mode, alias=None)
        parts = self.real_parts(node)
        if "allOf" in node and "properties" not in node:
            if len(parts) == 1:
                return self.type_of(parts[0], owner, prop, mode)
        if self.is_object_like(node):
            name = self.inline_name(f"{owner}_{snake(prop)}", f"{owner}.{prop}")
            self.build_struct(name, node, mode, origin=f"{owner}.{prop}")
            return T("struct", name)
        t = node.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            t = non_null[0] if len(non_null) == 1 else None
        if "enum" in node and t in (None, "string"):
            return self.enum_type(tuple(str(v) for v in node["enum"]), owner, prop, None)
        if t == "string":
            return TS if node.get("format") == "date-time" else STR
        if t == "number":
            return DEC
        if t == "integer":
            return I32 if node.get("format") == "int32" else I64
        if t == "boolean":
            return BOOL
        if t == "array":
            items = node.get("items")
            if not items:
                return T("vec", RAW)
            return T("vec", self.type_of(items, owner, singular(prop), mode))
        if t == "object" or t is None:
            ap = node.get("additionalProperties")
            if isinstance(ap, dict) and not self.is_annotation_only(ap):
                return T("map", self.type_of(ap, owner, prop + "Value", mode))
            return RAW
        raise GenError(f"{self.group}: unsupported schema type {t!r} at {owner}.{prop}")

    def inline_name(self, name: str, origin: str) -> str:
        """Name of an inline object's struct; `_object` is appended while the name belongs to something else."""
        taken_by_schema = set(self.schema_names.values())
        while name in taken_by_schema or (name in self.structs and self.structs[name].origin != origin):
            name += "_object"
        return name

    def component_type(self, name: str, target: dict) -> T:
        cname = self.schema_names[name]
        if "oneOf" in target or "anyOf" in target:
            if cname not in self.aliases:
                self.aliases[cname] = None  # placeholder against recursion
                vt = self.variant_type(target, cname, "", self.struct_mode(name), alias=cname)
                if vt.kind != "variant":
                    del self.aliases[cname]
                    return vt
                self.aliases[cname] = Alias(cname, vt)
                self.struct_order.append(cname)
            return T("struct", cname)
        if self.is_object_like(target):
            self.build_struct(cname, target, self.struct_mode(name), origin=name)
            return T("struct", cname)
        if "enum" in target and target.get("type") in (None, "string"):
            return self.enum_type(tuple(str(v) for v in target["enum"]), cname, "", name)
        return self.type_of(target, cname, cname, self.struct_mode(name))

    def variant_type(self, node: dict, owner: str, prop: str, mode: str, alias: str | None) -> T:
        alts_nodes = node.get("oneOf") or node.get("anyOf")
        common_props, common_req = ({}, set())
        if "properties" in node or self.real_parts(node):
            common_props, common_req = self.flatten({k: v for k, v in node.items() if k not in ("oneOf", "anyOf")})
        alts: list[T] = []
        alt_names: list[str | None] = []
        for alt in alts_nodes:
            # {title, allOf: [$ref]} wrappers are just the referenced type
            if "$ref" not in alt and len(self.real_parts(alt)) == 1 and "properties" not in alt:
                alt = self.real_parts(alt)[0]
            alt_name = self.deref(alt)[0] if "$ref" in alt else None
            if common_props and self.is_object_like(alt):
                aprops, areq = self.flatten(alt)
                added = {k: v for k, v in common_props.items() if k not in aprops}
                newly_required = {k for k in common_req if k not in areq}
                if added or newly_required:
                    base = self.schema_names[alt_name] if alt_name else f"alt{len(alts)}"
                    sname = f"{alias or owner + '_' + snake(prop)}_{base}"
                    merged = {"type": "object", "properties": {**aprops, **added},
                              "required": sorted(areq | common_req)}
                    self.build_struct(sname, merged, mode, origin=f"{alt_name} + common properties")
                    alts.append(T("struct", sname))
                    alt_names.append(alt_name)
                    continue
            alts.append(self.type_of(alt, owner, prop + (alt_name or f"Alt{len(alts)}"), mode))
            alt_names.append(alt_name)
        uniq: list[T] = []
        names: list[str | None] = []
        for t, n in zip(alts, alt_names):
            if t not in uniq:
                uniq.append(t)
                names.append(n)
        if len(uniq) == 1:
            return uniq[0]
        vt = T("variant", tuple(uniq))
        disc = node.get("discriminator") or self.common_discriminator(alts_nodes)
        if disc and vt not in self.variant_traits:
            self.variant_traits[vt] = VariantTraits(vt, disc["propertyName"], self.variant_tags(disc, names))
        return vt

    def common_discriminator(self, alts_nodes: list) -> dict | None:
        ds = []
        for alt in alts_nodes:
            if "$ref" not in alt and len(self.real_parts(alt)) == 1:
                alt = self.real_parts(alt)[0]
            ds.append(self.discriminator_of(alt))
        if ds and all(ds) and len({d["propertyName"] for d in ds}) == 1:
            merged: dict = {"propertyName": ds[0]["propertyName"], "mapping": {}}
            for d in ds:
                merged["mapping"].update(d.get("mapping", {}))
            return merged
        return None

    def variant_tags(self, disc: dict, names: list[str | None]) -> list[list[str]]:
        """Tags accepted per alternative: explicit mapping, the schema name (OpenAPI's implicit mapping), and
        the alternative's distinctive words in UPPER_SNAKE (AchReceivingBankInformation -> ACH, given
        LocalBankTransferReceivingBankInformation and SepaReceivingBankInformation)."""
        words = [split_words(n) if n else [] for n in names]
        pre = 0
        while all(len(w) > pre for w in words) and len({w[pre] for w in words}) == 1:
            pre += 1
        suf = 0
        while all(len(w) > pre + suf for w in words) and len({w[-1 - suf] for w in words}) == 1:
            suf += 1
        tags: list[list[str]] = []
        for i, n in enumerate(names):
            t: list[str] = []
            for value, ref in sorted(disc.get("mapping", {}).items()):
                if n and ref.split("/")[-1] == n:
                    t.append(value)
            if n:
                t.append(n)
                core = words[i][pre:len(words[i]) - suf]
                if core:
                    t.append("_".join(w.upper() for w in core))
            tags.append(t)
        counts = Counter(x for t in tags for x in t)
        return [[x for x in dict.fromkeys(t) if counts[x] == 1] for t in tags]

    def enum_type(self, values: tuple, owner: str, prop: str, component: str | None) -> T:
        self.enum_uses.setdefault(values, []).append((owner, prop, component))
        return T("enum", values)

    def member_ident(self, struct: str, json_name: str) -> str:
        ident = sanitize_identifier(json_name)
        if ident != json_name:
            self.escaped.append((struct, json_name, ident))
        return ident

    def build_struct(self, name: str, node: dict, mode: str, origin: str, extra_front: list[Member] = ()):
        if name in self._building:
            raise GenError(f"{self.group}: recursive schema through {name} (needs indirection)")
        if name in self.structs:
            existing = self.structs[name]
            if existing.origin != origin:
                raise GenError(f"{self.group}: type name {name} wanted by {existing.origin} and {origin}")
            if existing.mode != mode:
                raise GenError(f"{self.group}: {name} needed in two modes")
            return
        self._building.add(name)
        props, required = self.flatten(node)
        ov = node.get(OVERLAY_KEY, {})  # set by apply_overlays on component schemas
        nullable = set(props) if ov.get("nullable") == "*" else set(ov.get("nullable", ()))
        notes = ov.get("notes", {})
        missing = sorted((nullable | set(notes)) - set(props))
        if missing:
            raise GenError(f"overlay: {origin} ({self.spec_file}) has no properties {missing}")
        members = list(extra_front)
        for prop, sub in props.items():
            t = self.type_of(sub, name, prop, mode)
            m = Member(prop, self.member_ident(name, prop), t, prop in required)
            m.rules = self.member_rules(sub, t, spec_required_but_optional=mode == "resp" and m.required)
            m.nullable = prop in nullable
            m.note = notes.get(prop, "")
            members.append(m)
        idents = Counter(m.ident for m in members)
        if any(c > 1 for c in idents.values()):
            raise GenError(f"{self.group}: duplicate member names in {name}: {idents}")
        if len(members) > 52:
            raise GenError(f"{self.group}: {name} has {len(members)} members (BOOST_DESCRIBE_STRUCT limit is 52)")
        self._building.discard(name)
        self.structs[name] = Struct(name, mode, members, origin)
        self.struct_order.append(name)

    # ---- enum naming ------------------------------------------------------------------------------------------

    def assign_enum_names(self, reserved: set[str]):
        """Named enum schemas keep their schema's name. Inline enums are named after their property (singular
        for array items; a one-word property is prefixed with its owning struct: customer_status). Identical
        value lists are one type. When distinct enums want the same name, named schemas and owner-prefixed
        names win, then the most used enum; the others are prefixed with their owning struct."""
        entries = []
        for values, uses in self.enum_uses.items():
            comps = sorted({self.schema_names[c] for (_, _, c) in uses if c})
            owners = sorted({o for (o, _, c) in uses if not c})
            non_request = [o for o in owners if not o.endswith("_request")]
            owner = (non_request or owners or comps)[0]
            if comps:
                base, rank0 = comps[0], 0
            else:
                props = Counter()
                for (_, p, _) in uses:
                    props[snake(p) if len(split_words(p)) > 1 else f"{owner}_{snake(p)}"] += 1
                base = sorted(props.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
                rank0 = 1 if base.startswith(owner + "_") else 2
            cands = [base]
            if not base.startswith(owner + "_"):
                cands.append(f"{owner}_{base}")
            entries.append(((rank0, -len(uses), -len(values), values), values, cands))
        taken = set(reserved)
        for _, values, cands in sorted(entries):
            name = next((c for c in cands if c not in taken), None)
            n = 2
            while name is None:  # last resort, not reached with the 2026-02-03 specs
                name = f"{cands[-1]}_{n}" if f"{cands[-1]}_{n}" not in taken else None
                n += 1
            taken.add(name)
            self.enum_names[values] = name


# --------------------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------------------


class Renderer:
    def __init__(self, gm: GroupModel):
        self.gm = gm
        self.ns = f"::meld::{gm.group}"

    def enum_name(self, values: tuple) -> str:
        return self.gm.enum_names[values]

    def render(self, t: T, qualify: set[str] = frozenset(), full: bool = False) -> str:
        k = t.kind
        if k == "str":
            return "std::string"
        if k == "bool":
            return "bool"
        if k == "i32":
            return "std::int32_t"
        if k == "i64":
            return "std::int64_t"
        if k == "dec":
            return "meld::decimal"
        if k == "ts":
            return "meld::timestamp"
        if k == "raw":
            return "meld::raw_json"
        if k == "vec":
            return f"std::vector<{self.render(t.arg, qualify, full)}>"
        if k == "map":
            return f"std::map<std::string, {self.render(t.arg, qualify, full)}, std::less<>>"
        if k == "opt":
            return f"std::optional<{self.render(t.arg, qualify, full)}>"
        if k == "variant":
            return "std::variant<" + ", ".join(self.render(a, qualify, full) for a in t.arg) + ">"
        name = t.arg if k == "struct" else self.enum_name(t.arg)
        if full or name in qualify:
            return f"{self.ns}::{name}"
        return name

    def member_type(self, s: Struct, m: Member) -> T:
        if s.mode == "req" and m.required and not m.nullable:
            return m.type
        return T("opt", m.type)


def uses_kind(t: T, kinds: set[str]) -> bool:
    if t.kind in kinds:
        return True
    if t.kind in ("vec", "map", "opt"):
        return uses_kind(t.arg, kinds)
    if t.kind == "variant":
        return any(uses_kind(a, kinds) for a in t.arg)
    return False


def deps_of(t: T) -> list[str]:
    if t.kind == "struct":
        return [t.arg]
    if t.kind in ("vec", "map", "opt"):
        return deps_of(t.arg)
    if t.kind == "variant":
        out = []
        for a in t.arg:
            out += deps_of(a)
        return out
    return []


def names_in(t: T, r: Renderer) -> set[str]:
    if t.kind == "struct":
        return {t.arg}
    if t.kind == "enum":
        return {r.enum_name(t.arg)}
    if t.kind in ("vec", "map", "opt"):
        return names_in(t.arg, r)
    if t.kind == "variant":
        out: set[str] = set()
        for a in t.arg:
            out |= names_in(a, r)
        return out
    return set()


def banner(sources: list[str], description: str) -> str:
    return (f"// Generated by {GENERATOR} from {', '.join(sources)} \u2014 do not edit.\n"
            f"// {description}\n")


def guard(rel: str) -> str:
    return "MELD_" + re.sub(r"[^A-Za-z0-9]", "_", rel.removeprefix("include/meld/")).upper()


def enum_enumerators(name: str, values: tuple) -> list[str]:
    # `unknown`, `value`, `names` belong to the generated shape; get/str/is_known/from_string to meld::open_enum
    reserved = frozenset({"unknown", "value", "names", "open_enum", "get", "str", "is_known", "from_string", name})
    out: list[str] = []
    for v in values:
        ident = sanitize_identifier(v, reserved)
        base = ident
        n = 2
        while ident in out:
            ident = f"{base}_{n}"
            n += 1
        out.append(ident)
    return out


LINE = 120


def wrap_list(head: str, items: list[str], tail: str, indent: str) -> str:
    """`head a, b, c tail` on one line if it fits, else one line per run of items that fits."""
    one = head + ", ".join(items) + tail
    if len(one) <= LINE:
        return one + "\n"
    lines = [head.rstrip()]
    cur = indent
    for i, it in enumerate(items):
        piece = it + ("," if i + 1 < len(items) else "")
        if cur != indent and len(cur) + 1 + len(piece) > LINE:
            lines.append(cur)
            cur = indent
        cur = cur + (" " if cur != indent else "") + piece
    lines.append(cur)
    lines.append(indent[:-4] + tail.strip())
    return "\n".join(lines) + "\n"


def wrap_decl(line: str, indent: str) -> str:
    """Breaks an over-long declaration after its first `std::variant<`, then at `, ` boundaries."""
    if len(line) <= LINE or "std::variant<" not in line:
        return line + "\n"
    cut = line.index("std::variant<") + len("std::variant<")
    lines = [line[:cut]]
    cur = indent
    for i, piece in enumerate(line[cut:].split(", ")):
        piece = piece + ("," if i + 1 < len(line[cut:].split(", ")) else "")
        if cur != indent and len(cur) + 1 + len(piece) > LINE:
            lines.append(cur)
            cur = indent
        cur = cur + (" " if cur != indent else "") + piece
    lines.append(cur)
    return "\n".join(lines) + "\n"


def request_structs(gm: GroupModel) -> list[str]:
    """Structs reachable from a request type (the request types themselves, nested models, variant
    alternatives), in emission order."""
    seen: set[str] = set()
    todo = [op.request.name for op in gm.ops]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in gm.aliases:
            todo += deps_of(gm.aliases[n].type)
        elif n in gm.structs:
            for m in gm.structs[n].members:
                todo += deps_of(m.type)
    return [n for n in gm.struct_order if n in seen and n in gm.structs]


def render_rules(gm: GroupModel) -> str:
    """`meld::validation_rules<T>` specializations: the specs' constraints on request-side models."""
    out: list[str] = []
    for name in request_structs(gm):
        s = gm.structs[name]
        rows = [(m, r) for m in s.members for r in m.rules]
        if not rows:
            continue
        out.append(f"\ntemplate <>\nstruct meld::validation_rules<::meld::{gm.group}::{name}> {{\n")
        out.append("    static constexpr meld::field_rule rules[] = {\n")
        for m, (kind, value, on) in rows:
            row = (f"        {{{cpp_string(m.ident)}, meld::rule_kind::{kind}, {cpp_string(value)}, "
                   f"meld::rule_on::{on}}},")
            if len(row) > LINE:  # long patterns: the value on a line of its own
                row = (f"        {{{cpp_string(m.ident)}, meld::rule_kind::{kind},\n"
                       f"         {cpp_string(value)},\n         meld::rule_on::{on}}},")
            out.append(row + "\n")
        out.append("    };\n};\n")
    if not out:
        return ""
    return ("\n// ---- request validation: the specs' constraints on request-side models "
            "(meld/validation.hpp) ----\n" + "".join(out))


def render_models(gm: GroupModel) -> str:
    r = Renderer(gm)
    rel = f"include/meld/generated/models/{gm.group}.hpp"
    all_types: list[T] = []
    for s in gm.structs.values():
        all_types += [m.type for m in s.members]
    for a in gm.aliases.values():
        all_types.append(a.type)
    std_includes = {"<optional>", "<string>", "<string_view>"}
    meld_includes = {"<boost/describe/class.hpp>"}
    if gm.enum_names:
        meld_includes.add("<meld/open_enum.hpp>")
    if any(uses_kind(t, {"i32", "i64"}) for t in all_types):
        std_includes.add("<cstdint>")
    if any(uses_kind(t, {"dec"}) for t in all_types):
        meld_includes.add("<meld/decimal.hpp>")
    if any(uses_kind(t, {"ts"}) for t in all_types):
        meld_includes.add("<meld/timestamp.hpp>")
    if any(uses_kind(t, {"raw"}) for t in all_types):
        meld_includes.add("<meld/raw_json.hpp>")
    if any(uses_kind(t, {"vec"}) for t in all_types):
        std_includes.add("<vector>")
    if any(uses_kind(t, {"map"}) for t in all_types):
        std_includes |= {"<map>", "<functional>"}
    if any(uses_kind(t, {"variant"}) for t in all_types):
        std_includes.add("<variant>")
    if gm.variant_traits:
        meld_includes.add("<meld/json/traits.hpp>")
    rules = render_rules(gm)
    if rules:
        meld_includes.add("<meld/detail/validation_rules.hpp>")

    out = [banner([gm.spec_file], f"Models of the {gm.group} API group (namespace meld::{gm.group}).")]
    g = guard(rel)
    out.append(f"#ifndef {g}\n#define {g}\n\n")
    for inc in sorted(meld_includes):
        out.append(f"#include {inc}\n")
    out.append("\n")
    for inc in sorted(std_includes):
        out.append(f"#include {inc}\n")
    out.append(f"\nnamespace meld::{gm.group} {{\n")

    if gm.enum_names:
        out.append("\n// ---- enums (open: unknown values are kept as text) ----\n")
        for values, name in sorted(gm.enum_names.items(), key=lambda kv: kv[1]):
            idents = enum_enumerators(name, values)
            out.append(f"\nstruct {name} : meld::open_enum<{name}> {{\n")
            out.append(wrap_list("    enum value : int { ", ["unknown = -1"] + idents, " };", "        "))
            out.append(wrap_list("    static constexpr std::string_view names[] = {",
                                 [cpp_string(v) for v in values], "};", "        "))
            out.append("    using open_enum::open_enum;\n};\n")

    out.append("\n// ---- structs ----\n")
    for name in gm.struct_order:
        if name in gm.aliases:
            a = gm.aliases[name]
            out.append("\n" + wrap_decl(f"using {name} = {r.render(a.type)};", "    "))
            continue
        s = gm.structs[name]
        idents = {m.ident for m in s.members}
        out.append(f"\nstruct {name} {{\n")
        for m in s.members:
            mt = r.member_type(s, m)
            qualify = idents & names_in(mt, r)
            # `{}`: designated initializers may omit any member without -Wmissing-field-initializers
            if m.note:
                for line in textwrap.wrap(m.note, LINE - len("    /// ")):
                    out.append(f"    /// {line}\n")
            out.append(wrap_decl(f"    {r.render(mt, qualify)} {m.ident}{{}};", "        "))
        out.append("};\n")
        out.append(wrap_list(f"BOOST_DESCRIBE_STRUCT({name}, (), (", [m.ident for m in s.members], "))", "    "))

    out.append(f"\n}}  // namespace meld::{gm.group}\n")

    if gm.variant_traits:
        out.append("\n// ---- discriminated oneOf: which alternative a tag selects ----\n")
        for vt in sorted(gm.variant_traits.values(), key=lambda v: r.render(v.type, full=True)):
            out.append("\ntemplate <>\n" + wrap_decl(f"struct meld::json::variant_traits<{r.render(vt.type, full=True)}> {{",
                                                 "    "))
            out.append(f"    static constexpr std::string_view discriminator = {cpp_string(vt.discriminator)};\n")
            out.append("    static constexpr int index_for(std::string_view tag) noexcept\n    {\n")
            for i, tags in enumerate(vt.tags):
                if not tags:
                    continue
                cond = " || ".join(f"tag == {cpp_string(x)}" for x in tags)
                out.append(f"        if ({cond})\n            return {i};\n")
            out.append("        return -1;\n    }\n};\n")

    out.append(rules)
    out.append(f"\n#endif  // {g}\n")
    return "".join(out)


HTTP_METHODS = {"get": "get", "post": "post", "put": "put", "patch": "patch", "delete": "delete_"}


def render_endpoints(gm: GroupModel, sources: list[str]) -> str:
    r = Renderer(gm)
    rel = f"include/meld/generated/endpoints/{gm.group}.hpp"
    g = guard(rel)
    out = [banner(sources, f"Endpoint descriptors of the {gm.group} API group (namespace meld::endpoints::{gm.group}).")]
    out.append(f"#ifndef {g}\n#define {g}\n\n")
    incs = ["<meld/endpoint.hpp>", f"<meld/generated/models/{gm.group}.hpp>"]
    if any(op.response == RAW for op in gm.ops):
        incs.append("<meld/raw_json.hpp>")
    for inc in sorted(incs):
        out.append(f"#include {inc}\n")
    out.append("\n#include <array>\n#include <string_view>\n")
    if any(op.response and op.response.kind == "vec" for op in gm.ops):
        out.append("#include <vector>\n")
    out.append(f"\nnamespace meld::endpoints::{gm.group} {{\n")
    for op in gm.ops:
        params = [m for m in op.request.members if m.location != "body"]
        out.append(f"\nstruct {op.ident} {{\n")
        out.append(f"    static constexpr std::string_view name = {cpp_string(op.call)};\n")
        out.append(f"    static constexpr std::string_view operation_id = {cpp_string(op.operation_id)};\n")
        out.append(f"    static constexpr meld::http_method method = meld::http_method::{HTTP_METHODS[op.method]};\n")
        out.append(f"    static constexpr std::string_view path = {cpp_string(op.path)};\n")
        out.append(f"    using request_type = {r.ns}::{op.request.name};\n")
        out.append(f"    using response_type = {r.render(op.response, full=True)};\n")
        if params:
            out.append(f"    static constexpr std::array<meld::param_location, {len(params)}> params{{{{\n")
            for m in params:
                out.append(f"        {{{cpp_string(m.ident)}, meld::param_in::{m.location}, {cpp_string(m.wire_name)}}},\n")
            out.append("    }};\n")
        else:
            out.append("    static constexpr std::array<meld::param_location, 0> params{};\n")
        flags = []
        if op.has_body:
            flags.append(".has_body = true")
        if op.idempotency_key:
            flags.append(".idempotency_key = true")
        if op.paginated:
            flags.append(".paginated = true")
        if not op.requires_auth:
            flags.append(".requires_auth = false")
        out.append(f"    static constexpr meld::endpoint_traits traits{{{', '.join(flags)}}};\n")
        out.append("};\n")
    out.append(f"\n}}  // namespace meld::endpoints::{gm.group}\n\n#endif  // {g}\n")
    return "".join(out)


@dataclass
class Node:
    children: dict = field(default_factory=dict)  # name -> Node
    leaves: dict = field(default_factory=dict)  # name -> Operation


def build_tree(ops: list[Operation]) -> Node:
    root = Node()
    for op in ops:
        parts = op.call.split(".")[1:]
        node = root
        for p in parts[:-1]:
            if p in node.leaves:
                raise GenError(f"{op.call}: '{p}' is both an operation and a sub-resource")
            node = node.children.setdefault(p, Node())
        if parts[-1] in node.children or parts[-1] in node.leaves:
            raise GenError(f"{op.call}: name used twice")
        node.leaves[parts[-1]] = op
    return root


def render_class(name: str, node: Node, group: str, indent: str) -> str:
    out = [f"{indent}class {name} {{\n{indent}public:\n"]
    for child in sorted(node.children):
        out.append(render_class(f"{child}_api", node.children[child], group, indent + "    "))
        out.append("\n")
    members = sorted(list(node.children) + list(node.leaves))
    out.append(f"{indent}    explicit {name}(detail::engine& e) noexcept\n")
    for i, m in enumerate(members):
        out.append(f"{indent}        {':' if i == 0 else ','} {m}{{e}}\n")
    out.append(f"{indent}    {{\n{indent}    }}\n\n")
    for m in members:
        if m in node.children:
            out.append(f"{indent}    {m}_api {m};\n")
        else:
            out.append(f"{indent}    operation<endpoints::{group}::{node.leaves[m].ident}> {m};\n")
    out.append(f"{indent}}};\n")
    return "".join(out)


def render_group(gm: GroupModel, sources: list[str]) -> str:
    rel = f"include/meld/generated/groups/{gm.group}.hpp"
    g = guard(rel)
    out = [banner(sources, f"The {gm.group} API group object: meld.{gm.group}.<call>(...).")]
    out.append(f"#ifndef {g}\n#define {g}\n\n")
    out.append("#include <meld/detail/engine_fwd.hpp>\n")
    out.append(f"#include <meld/generated/endpoints/{gm.group}.hpp>\n")
    for header in sorted({op.hand_header for op in gm.hand_ops}):
        out.append(f"#include <{header}>  // hand-written descriptors (names.json \"handwritten\")\n")
    out.append("#include <meld/operation.hpp>\n\nnamespace meld {\n\n")
    out.append(render_class(f"{gm.group}_api", build_tree(gm.ops + gm.hand_ops), gm.group, ""))
    out.append(f"\n}}  // namespace meld\n\n#endif  // {g}\n")
    return "".join(out)


def render_all(groups: list[GroupModel], sources: list[str]) -> str:
    rel = "include/meld/generated/groups/all.hpp"
    g = guard(rel)
    out = [banner(sources, "Every API group object; meld::client inherits detail::api_groups (meld.crypto.quote(...)).")]
    out.append(f"#ifndef {g}\n#define {g}\n\n#include <meld/detail/engine_fwd.hpp>\n")
    for gm in groups:
        out.append(f"#include <meld/generated/groups/{gm.group}.hpp>\n")
    out.append("\nnamespace meld::detail {\n\nclass api_groups {\npublic:\n")
    out.append("    explicit api_groups(detail::engine& e) noexcept\n")
    for i, gm in enumerate(groups):
        out.append(f"        {':' if i == 0 else ','} {gm.group}{{e}}\n")
    out.append("    {\n    }\n\n")
    for gm in groups:
        out.append(f"    {gm.group}_api {gm.group};\n")
    out.append("};\n\n}  // namespace meld::detail\n\n" f"#endif  // {g}\n")
    return "".join(out)


def md_type(r: Renderer, t: T) -> str:
    return r.render(t, full=True).replace("::meld::", "meld::")


def render_reference(groups: list[GroupModel], sources: list[str], skipped: list[str]) -> str:
    out = [f"<!-- Generated by {GENERATOR} from {', '.join(sources)} \u2014 do not edit. -->\n"]
    out.append("<!-- Operation reference of meld-cpp: one row per generated Meld API operation. -->\n\n")
    out.append("# meld-cpp API reference\n\n")
    total = sum(len(gm.ops) for gm in groups)
    hand = sum(len(gm.hand_ops) for gm in groups)
    out.append(f"{total} operations in {len(groups)} API groups, generated from Meld's OpenAPI specs "
               f"({', '.join(sources)}), plus {hand} hand-written (marked **hand-written**).\nEach call is `co_await meld.<call>(request)`; the request type "
               "holds path, query and header parameters and the JSON body fields as members.\nWhere the models "
               "deliberately differ from the specs (reality overlays): [overlays.md](overlays.md).\n\n")
    out.append(NAMING_RULES)
    for gm in groups:
        r = Renderer(gm)
        out.append(f"\n## {gm.group} (`{gm.spec_file}`)\n\n")
        out.append("| HTTP | C++ call | request type | response type | paginated | idempotency key |\n")
        out.append("|---|---|---|---|---|---|\n")
        for op in sorted(gm.ops + gm.hand_ops, key=lambda o: o.call):
            if op.hand_header:
                call = f"`meld.{op.call}(...)` **hand-written**"
                req, resp = op.hand_request, op.hand_response
            else:
                call = f"`meld.{op.call}(...)`"
                req, resp = f"meld::{gm.group}::{op.request.name}", md_type(r, op.response)
            out.append(f"| `{op.method.upper()} {op.path}` | {call} | `{req}` | `{resp}` | "
                       f"{'yes' if op.paginated else 'no'} | {'yes' if op.idempotency_key else 'no'} |\n")
    hand_ops = [op for gm in groups for op in sorted(gm.hand_ops, key=lambda o: o.call)]
    if hand_ops:
        out.append("\n## Hand-written operations\n\n")
        out.append("Operations Meld's guides use but the specs do not declare. Their descriptors are written by "
                   "hand in the same form\nas the generated ones and listed in `tools/codegen/names.json` "
                   "(`handwritten`); the group objects expose them.\n\n")
        for op in hand_ops:
            out.append(f"* `{op.method.upper()} {op.path}` -> `meld.{op.call}(...)`, descriptor "
                       f"`meld::endpoints::{op.group}::{op.ident}` in `include/{op.hand_header}`; source: "
                       f"{op.hand_source}.\n")
    if skipped:
        out.append("\n## Not generated\n\n")
        for s in skipped:
            out.append(f"* {s}\n")
    return "".join(out)


NAMING_RULES = """## Naming rules

The checked-in table `tools/codegen/names.json` maps every `METHOD /path` of the specs to a C++ call path;
this file is generated from it. The table follows these rules:

* **Group** = the spec file's API group: `crypto`, `payments`, `customers` (customer), `service_providers`
  (serviceproviders), `bank_linking` (banklinking), `webhooks`, `activity_log` (beta), `network_partners`
  (networkpartner). Models live in `meld::<group>`, descriptors in `meld::endpoints::<group>`, the group
  object is `meld::<group>_api`, reached as `meld.<group>`.
* **Resources** = the path's collection nouns after the group's own prefix, snake_case, plural as in the path
  (`/payments/transactions/{id}` -> `payments.transactions`, `/bank-linking/investments/holdings` ->
  `bank_linking.investments.holdings`). A group's single-purpose endpoints hang directly off the group
  (`crypto.quote`, `service_providers.countries`, `customers.create`).
* **Verb** = the last component: `search` (GET collection), `get` (GET one item by id), `create` (POST
  collection), `update` (PATCH or POST .../update), `remove` (DELETE; `delete` is a C++ keyword), or the
  action the path names (`refresh`, `capture`, `refund`, `initiate`, `test`, `start`, `repair`). Property
  lookups are named after what they return (`service_providers.crypto_currencies`,
  `network_partners.supported.countries`). Names never use C++ keywords or `import`.
* An operation that two specs declare (`GET /payments/transactions` and `GET /payments/transactions/{id}`
  in crypto and payments) is generated once, from the spec whose group owns its call path.
* **Hand-written operations** (guide-only, absent from the specs) follow the same rules: `GET
  /accounts/customers/{customerId}` is `customers.get`; `PATCH /accounts/customers/{customerId}/kyc/initiate`
  is `customers.kyc.update` (PATCH -> `update`; the action name `initiate` already belongs to the spec's
  POST on that path). They reuse the generated models where the guide shows the same shapes.
* **Request validation**: every request-side model the specs constrain has a
  `meld::validation_rules<T>` table in its models header (required, minLength/maxLength, pattern,
  minimum/maximum, minItems/maxItems/uniqueItems, minProperties/maxProperties, enum membership), taken from
  the specs' keywords only; each call checks it before sending (`meld/validation.hpp`).
* **Request type** = `meld::<group>::<resources>_<verb>_request` (call path without the group, `.` -> `_`):
  path parameters, then query parameters, then header parameters, then the JSON body's properties, each
  member named exactly like the JSON/query name (headers: `Meld-Account-Id` -> `meldAccountId`).
  `X-Idempotency-Key` is not a member: such operations have `traits.idempotency_key` and take the key from
  the call options. Query parameters documented as comma-separated lists are `std::vector`s.
* **Model types** = snake_case of the schema name with its version date removed (`CryptoQuote20260203` ->
  `crypto_quote`) unless two schemas of the group would then collide: those keep the date as a suffix
  (`payment_transaction_response_20250304`). Meaningless spec names are renamed in `names.json`
  (`type_names`: network partners' `Response1` -> `kyc_limit_response`). Inline objects are
  `<owner>_<property>`. Enums are named after
  their property, singular for arrays (`service_provider`), prefixed with the owning model for one-word
  properties (`customer_status`); identical value lists are one type; when distinct enums want the same name,
  the most used keeps it and the others are prefixed with their owning model (`crypto_quote_service_provider`).
  Enums are open (`meld::open_enum`): unknown values decode and keep their text.
* **Members** are the JSON property names verbatim, in the spec's order. A name that is not a C++ identifier
  or is a keyword / common macro is escaped: leading digit -> `_` prefix (`3ds` -> `_3ds`), invalid
  characters -> `_`, keywords and macro-prone names -> `_` suffix. Enumerators follow the same rule
  (`TRUE` -> `TRUE_`).
* **Optionality**: response models make every member `std::optional` (Meld sends `null` almost anywhere),
  arrays included (`std::optional<std::vector<T>>`); request models make `required` members plain and the
  others `std::optional`. A model used by both requests and responses follows the response rule.
* **Types**: `number` -> `meld::decimal`, `date-time` -> `meld::timestamp`, `integer` -> `std::int32_t`
  (int32) or `std::int64_t`, enums -> `meld::open_enum`, untyped objects -> `meld::raw_json`,
  `additionalProperties` -> `std::map<std::string, T, std::less<>>`, `oneOf` -> `std::variant` (with a
  `meld::json::variant_traits` specialization when the spec names a discriminator), `allOf` -> merged members.
  Operations without a response body answer `meld::raw_json`; bare-array responses are `std::vector<T>`.
* **Overlays** ("the spec is not the wire"): `tools/codegen/overlays.json` corrects spec schemas with what real
  answers carry (`shared/api/REAL_WORLD.md`, `shared/api/CATALOG.md`): `add_properties` adds fields the specs
  omit (the quote wrapper's `message`, `error`, `timestamp`; the widget session's `expiresAt`; a guide's
  second name for a field, kept as a second member), `replace_properties` replaces a property's schema (an owner's
  `emails` as strings or objects), `nullable` lists properties that must stay `std::optional` (checked; forced
  on request-side models too), `notes` puts a comment above a member. Every audited fact and its decision:
  [overlays.md](overlays.md).
"""


# --------------------------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------------------------


def load_json(p: Path):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


OVERLAY_FIELDS = frozenset({"spec", "schema", "source", "add_properties", "replace_properties", "nullable", "notes"})


def apply_overlays(spec_key: str, spec_file: str, spec: dict, overlays: dict):
    """Applies overlays.json to one spec, in place: `add_properties` (must be new), `replace_properties` (must
    be the schema's own), and the `nullable` / `notes` annotations that build_struct reads (OVERLAY_KEY)."""
    seen: set[str] = set()
    for ov in overlays.get("schemas", []):
        if ov["spec"] != spec_key:
            continue
        name = ov["schema"]
        unknown = sorted(set(ov) - OVERLAY_FIELDS)
        if unknown:
            raise GenError(f"overlay {name}: unknown fields {unknown}")
        if not ov.get("source"):
            raise GenError(f"overlay {name}: no source (the REAL_WORLD.md / CATALOG.md fact it implements)")
        if name in seen:
            raise GenError(f"overlay: two entries for {name} of {spec_file} (merge them)")
        seen.add(name)
        schemas = spec.get("components", {}).get("schemas", {})
        if name not in schemas:
            raise GenError(f"overlay: schema {name} not in {spec_file}")
        schema = schemas[name]
        for k, v in ov.get("replace_properties", {}).items():
            if k not in schema.get("properties", {}):
                raise GenError(f"overlay: {name}.{k} is not a property of its own in {spec_file} (cannot replace)")
            schema["properties"][k] = v
        if ov.get("add_properties"):
            props = schema.setdefault("properties", {})
            for k, v in ov["add_properties"].items():
                if k in props:
                    raise GenError(f"overlay: {name}.{k} already exists in {spec_file} (drop the overlay)")
                props[k] = v
        nullable = ov.get("nullable", [])
        if nullable != "*" and not (isinstance(nullable, list) and all(isinstance(x, str) for x in nullable)):
            raise GenError(f"overlay {name}: nullable must be a list of property names or \"*\"")
        if nullable or ov.get("notes"):
            schema[OVERLAY_KEY] = {"nullable": nullable, "notes": ov.get("notes", {})}


def check_overlays_used(groups: dict, group_of_spec: dict, overlays: dict):
    """Every overlay must land on a struct that is generated (not a schema no operation reaches)."""
    for ov in overlays.get("schemas", []):
        if ov["spec"] not in group_of_spec:
            raise GenError(f"overlay {ov['schema']}: unknown spec '{ov['spec']}' (names.json groups)")
        gm = groups.get(group_of_spec[ov["spec"]])
        if gm is None:
            continue  # that spec is not among --specs
        cname = gm.schema_names.get(ov["schema"])
        if cname is None or cname not in gm.structs or gm.structs[cname].origin != ov["schema"]:
            raise GenError(f"overlay: {ov['schema']} of {gm.spec_file} is not a generated struct (no operation "
                           "reaches it); drop or retarget the overlay")


def build(specs_dir: Path) -> tuple[dict[str, str], list[str]]:
    names_cfg = load_json(HERE / "names.json")
    overlays = load_json(HERE / "overlays.json")
    group_of_spec: dict[str, str] = names_cfg["groups"]
    call_of: dict[str, str | None] = names_cfg["operations"]
    notes: list[str] = []

    spec_files = sorted(p for p in specs_dir.glob("*.json"))
    specs: dict[str, tuple[str, dict]] = {}
    for p in spec_files:
        key = p.name.split("-")[0]
        if key in specs:
            raise GenError(f"two spec files for '{key}': {specs[key][0]} and {p.name}")
        if key not in group_of_spec:
            raise GenError(f"{p.name}: no group for '{key}' in names.json")
        spec = load_json(p)
        apply_overlays(key, p.name, spec, overlays)
        specs[key] = (p.name, spec)

    groups: dict[str, GroupModel] = {}
    for key, group in group_of_spec.items():
        if key in specs:
            groups[group] = GroupModel(group, specs[key][0], specs[key][1])

    # collect operations; dedupe operations declared in two specs
    seen_ops: dict[str, list[tuple[str, str, dict, dict]]] = {}
    for key, (fname, spec) in specs.items():
        for path, item in spec.get("paths", {}).items():
            for method, op in item.items():
                if method not in HTTP_METHODS:
                    continue
                if item.get("parameters"):  # path-item parameters apply unless the operation redeclares them
                    own = {(q.get("name"), q.get("in")) for q in op.get("parameters", [])}
                    inherited = [q for q in item["parameters"] if (q.get("name"), q.get("in")) not in own]
                    op = {**op, "parameters": inherited + op.get("parameters", [])}
                seen_ops.setdefault(f"{method.upper()} {path}", []).append((key, fname, spec, op))
    skipped: list[str] = []
    selected: list[tuple[str, str, str, dict, dict]] = []
    for mp, decls in sorted(seen_ops.items(), key=lambda kv: kv[0]):
        call = call_of.get(mp)
        if not call:
            what = "listed as null" if mp in call_of else "no entry"
            skipped.append(f"`{mp}` ({what} in names.json)")
            continue
        group = call.split(".")[0]
        owners = [d for d in decls if group_of_spec[d[0]] == group]
        if not owners:
            if group in {group_of_spec[k] for k in specs}:
                raise GenError(f"{mp}: call {call} is not in the group of any spec declaring it")
            skipped.append(f"`{mp}` (the spec of group `{group}` is not among --specs)")
            continue
        key, fname, spec, op = owners[0]
        selected.append((call, mp, key, spec, op))
    loaded_groups = {group_of_spec[k] for k in specs}
    for mp in sorted(set(call_of) - set(seen_ops)):
        if call_of[mp] and call_of[mp].split(".")[0] in loaded_groups:
            raise GenError(f"names.json: {mp} is not an operation of the specs")

    # pass A: reachability per group
    for call, mp, key, spec, op in selected:
        gm = groups[group_of_spec[key]]
        for prm in op.get("parameters", []):
            if "schema" in prm:
                gm.walk(prm["schema"], "req")
        body = op.get("requestBody")
        if body:
            gm.walk_body(first_schema(body, mp))
        resp = success_schema(op)
        if resp is not None:
            gm.walk(resp, "resp")
    type_names = names_cfg.get("type_names", {})
    for key, group in group_of_spec.items():
        if group in groups:
            groups[group].assign_schema_names(type_names.get(key, {}))

    # pass B: operations and their types
    for call, mp, key, spec, op in sorted(selected, key=lambda s: s[0]):
        gm = groups[group_of_spec[key]]
        gm.ops.append(build_operation(gm, call, mp, spec, op))

    check_overlays_used(groups, group_of_spec, overlays)
    for gm in groups.values():
        reserved = set(gm.structs) | set(gm.aliases)
        gm.assign_enum_names(reserved)

    for mp, entry in names_cfg.get("handwritten", {}).items():
        if mp in seen_ops:
            raise GenError(f"names.json handwritten: the specs now declare {mp}; delete the hand-written "
                           f"descriptor {entry['descriptor']} from {entry['header']} and map the operation")
        group = entry["call"].split(".")[0]
        if group in groups:
            groups[group].hand_ops.append(hand_written_operation(mp, entry))

    active = [groups[g] for g in group_of_spec.values() if g in groups and groups[g].ops]
    files: dict[str, str] = {}
    for gm in active:
        sources = sorted({gm.spec_file})
        files[f"include/meld/generated/models/{gm.group}.hpp"] = render_models(gm)
        files[f"include/meld/generated/endpoints/{gm.group}.hpp"] = render_endpoints(gm, sources)
        files[f"include/meld/generated/groups/{gm.group}.hpp"] = render_group(gm, sources)
    all_sources = sorted(gm.spec_file for gm in active)
    files["include/meld/generated/groups/all.hpp"] = render_all(active, all_sources)
    files["docs/reference.md"] = render_reference(active, all_sources, skipped)
    files["include/meld/generated/.clang-format"] = (
        "# Written by tools/codegen/generate.py: never reformatted (a regeneration must reproduce it byte for byte).\n"
        "DisableFormat: true\nSortIncludes: Never\n")

    for gm in active:
        for (s, j, c) in gm.escaped:
            notes.append(f"escaped member name: meld::{gm.group}::{s}::{c} <- JSON \"{j}\"")
    for gm in active:
        notes += sorted(gm.invalid)
    for s in skipped:
        notes.append(f"skipped operation: {s}")
    return files, notes


REPO_ROOT = HERE.parent.parent
HAND_FIELD_RE = {
    "name": re.compile(r'static constexpr std::string_view name = "([^"]*)";'),
    "method": re.compile(r"static constexpr meld::http_method method = meld::http_method::(\w+);"),
    "path": re.compile(r'static constexpr std::string_view path = "([^"]*)";'),
    "request": re.compile(r"using request_type = ([^;]+);"),
    "response": re.compile(r"using response_type = ([^;]+);"),
    "traits": re.compile(r"static constexpr meld::endpoint_traits traits\{([^}]*)\};"),
}


def hand_written_operation(mp: str, entry: dict) -> Operation:
    """The Operation of a hand-written descriptor (names.json "handwritten"), read from its header so the
    header stays the single source: the descriptor's name, method and path must match the names.json entry."""
    call, ident, header = entry["call"], entry["descriptor"], entry["header"]
    group = call.split(".")[0]
    text = (REPO_ROOT / "include" / header).read_text(encoding="utf-8")
    ns = text.find(f"namespace meld::endpoints::{group} {{")
    start = text.find(f"\nstruct {ident} {{", ns)
    if ns < 0 or start < 0:
        raise GenError(f"names.json handwritten {mp}: no struct meld::endpoints::{group}::{ident} in {header}")
    body = text[start:text.find("\n};", start)]
    got = {}
    for k, rx in HAND_FIELD_RE.items():
        m = rx.search(body)
        if not m:
            raise GenError(f"{header}: descriptor {ident} has no {k}")
        got[k] = m.group(1).strip()
    method, path = mp.split(" ", 1)
    if got["name"] != call or got["method"] != HTTP_METHODS[method.lower()] or got["path"] != path:
        raise GenError(f"{header}: descriptor {ident} does not match names.json {mp} -> {call}")
    o = Operation(group, call, ident, "", method.lower(), path, "")
    o.has_body = ".has_body = true" in got["traits"]
    o.idempotency_key = ".idempotency_key = true" in got["traits"]
    o.paginated = ".paginated = true" in got["traits"]
    o.hand_request = got["request"].removeprefix("::")
    o.hand_response = got["response"].removeprefix("::")
    o.hand_header = header
    o.hand_source = entry["source"]
    return o


def first_schema(container: dict, where: str) -> dict:
    content = container.get("content") or {}
    for ct in sorted(content):
        if "schema" in content[ct]:
            return content[ct]["schema"]
    raise GenError(f"{where}: no schema in content")


def success_schema(op: dict) -> dict | None:
    for code in sorted(op.get("responses", {})):
        if code.startswith("2"):
            content = op["responses"][code].get("content")
            if content:
                return first_schema(op["responses"][code], code)
            return None
    return None


def build_operation(gm: GroupModel, call: str, mp: str, spec: dict, op: dict) -> Operation:
    method, path = mp.split(" ", 1)
    method = method.lower()
    parts = call.split(".")
    ident = sanitize_identifier("_".join(parts[1:]))
    o = Operation(gm.group, call, ident, gm.spec_file, method, path, op.get("operationId", ""))
    sec = op.get("security", spec.get("security")) or []
    o.requires_auth = bool(sec) and all(len(s) > 0 for s in sec)  # [{}] alternative = auth optional
    req_name = f"{ident}_request"
    members: list[Member] = []
    params = op.get("parameters", [])
    names = {p.get("name") for p in params if p.get("in") == "query"}
    o.paginated = {"before", "after", "limit"} <= names
    # path parameters in template order, then query, then headers
    order = {"path": 0, "query": 1, "header": 2}
    path_pos = {n: i for i, n in enumerate(re.findall(r"\{([^}]+)\}", path))}
    declared = [p for p in params if p.get("in") in order]
    declared.sort(key=lambda p: (order[p["in"]], path_pos.get(p["name"], 0) if p["in"] == "path" else 0))
    for prm in declared:
        loc, wire = prm["in"], prm["name"]
        schema = prm.get("schema", {"type": "string"})
        if loc == "header" and wire.lower() == "x-idempotency-key":
            o.idempotency_key = True
            continue
        member = header_member_name(wire) if loc == "header" else wire
        t = gm.type_of(schema, req_name, member, "req")
        desc = (prm.get("description") or "").lower()
        if loc == "query" and t.kind in ("str", "enum") and "comma" in desc:
            t = T("vec", t)
        required = bool(prm.get("required")) or loc == "path"
        ident_ = gm.member_ident(req_name, member)
        members.append(Member(member, ident_, t, required, loc, wire, gm.member_rules(schema, t, False)))
    body = op.get("requestBody")
    if body:
        o.has_body = True
        schema = first_schema(body, mp)
        if not gm.is_object_like(schema):
            raise GenError(f"{mp}: request body is not an object schema")
        props, required = gm.flatten(schema)
        body_required = bool(body.get("required"))
        for prop, sub in props.items():
            t = gm.type_of(sub, req_name, prop, "req")
            members.append(Member(prop, gm.member_ident(req_name, prop), t, body_required and prop in required,
                                  rules=gm.member_rules(sub, t, False)))
    if req_name in gm.structs or req_name in gm.schema_names.values():
        raise GenError(f"{mp}: request type name {req_name} collides with a model")
    gm.build_struct(req_name, {"type": "object"}, "req", origin=f"request of {call}", extra_front=members)
    o.request = gm.structs[req_name]
    resp = success_schema(op)
    if resp is None:
        o.response = RAW
    else:
        o.response = gm.type_of(resp, f"{ident}", "response", "resp")
    return o


def write_tree(root: Path, files: dict[str, str]):
    gen_dir = root / "include/meld/generated"
    if gen_dir.exists():
        for p in sorted(gen_dir.rglob("*"), reverse=True):
            rel = p.relative_to(root).as_posix()
            if p.is_file() and rel not in files:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if not p.exists() or p.read_bytes() != data:
            p.write_bytes(data)


def check_tree(root: Path, files: dict[str, str]) -> list[str]:
    diffs: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_root = Path(tmp)
        write_tree(tmp_root, files)
        for rel in sorted(files):
            have = root / rel
            if not have.exists():
                diffs.append(f"missing: {rel}")
            elif not filecmp.cmp(have, tmp_root / rel, shallow=False):
                diffs.append(f"differs: {rel}")
        gen_dir = root / "include/meld/generated"
        if gen_dir.exists():
            for p in sorted(gen_dir.rglob("*")):
                rel = p.relative_to(root).as_posix()
                if p.is_file() and rel not in files:
                    diffs.append(f"not generated (stale): {rel}")
    return diffs


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--specs", required=True, type=Path, help="directory with Meld's OpenAPI *.json files")
    mx = ap.add_mutually_exclusive_group(required=True)
    mx.add_argument("--out", type=Path, help="repo root to write into")
    mx.add_argument("--check", type=Path, help="repo root to compare against")
    ap.add_argument("--verbose", action="store_true", help="print escaped names and skipped operations")
    args = ap.parse_args(argv)
    try:
        files, notes = build(args.specs)
    except GenError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        return 2
    if args.verbose:
        for n in notes:
            print(n, file=sys.stderr)
    if args.out:
        write_tree(args.out, files)
        return 0
    diffs = check_tree(args.check, files)
    if diffs:
        print("generate.py --check: generated files are out of date "
              "(run tools/codegen/generate.py --specs <dir> --out <root>):", file=sys.stderr)
        for d in diffs:
            print(f"  {d}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
