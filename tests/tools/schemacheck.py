#!/usr/bin/env python3
"""Validate offtrace's JSON outputs against schemas/*.json, independently.

The validator is python3-jsonschema (Debian), not offtrace: the schemas are
checked against their metaschema, then every listed file against its schema.

    python3 tests/tools/schemacheck.py LIST

LIST has one check per line, fields separated by tabs:

    NAME  EXPECT  SCHEMA[#/$defs/DEF]  MODE  FILE  [OP PATH [VALUE]]

EXPECT is valid or invalid; MODE json (one document) or jsonl (one document
a line, blank lines skipped) or jsonl-bytes (jsonl whose strings may hold
bytes that are not UTF-8, as an input may); SCHEMA "-" means FILE is itself a schema,
checked against its metaschema.  With OP (del, set, add), the first
document in which PATH exists (for add: its parent) is mutated before it
is validated alone: a JSON pointer whose segment "?k=v" picks the first
array element whose k equals v; VALUE is JSON.  Prints one
"pass NAME" or "fail NAME: why" line per check (tests/lib.sh's format).
"""
import copy
import json
import sys

import jsonschema

_schemas = {}


def load_schema(ref):
    path, _, frag = ref.partition("#")
    if path not in _schemas:
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        cls = jsonschema.validators.validator_for(s)
        cls.check_schema(s)
        _schemas[path] = (s, cls)
    s, cls = _schemas[path]
    if frag:
        # the same document, entered at $defs/DEF: local $refs still resolve
        s = dict(s)
        for k in ("oneOf", "anyOf", "allOf", "type", "required", "properties",
                  "additionalProperties", "patternProperties", "items",
                  "prefixItems", "if", "then", "else", "not"):
            s.pop(k, None)
        s["$ref"] = "#" + frag
    return cls(s, format_checker=jsonschema.FormatChecker())


_docs = {}


def documents(path, mode):
    """The documents of path; a copy, since a check may mutate them."""
    if (path, mode) not in _docs:
        _docs[(path, mode)] = _read(path, mode)
    return copy.deepcopy(_docs[(path, mode)])


def _read(path, mode):
    with open(path, "rb") as f:
        data = f.read()
    # an input may hold bytes that are not UTF-8 on purpose (gen hostile):
    # "jsonl-bytes" keeps them as lone surrogates; outputs must be UTF-8
    if mode == "jsonl-bytes":
        text, mode = data.decode("utf-8", "surrogateescape"), "jsonl"
    else:
        text = data.decode("utf-8")
    if mode == "json":
        return [json.loads(text)]
    docs = []
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                docs.append(json.loads(line))
            except ValueError as e:
                raise ValueError("line %d: %s" % (n, e))
    return docs


def walk(doc, segs):
    """The parent container and last key of PATH in doc, or None."""
    cur = doc
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg.startswith("?") and isinstance(cur, list):
            k, _, v = seg[1:].partition("=")
            idx = next((j for j, e in enumerate(cur)
                        if isinstance(e, dict) and str(e.get(k)) == v), None)
            if idx is None:
                return None
            seg = idx
        elif isinstance(cur, list):
            if not seg.isdigit() or int(seg) >= len(cur):
                return None
            seg = int(seg)
        elif not isinstance(cur, dict):
            return None
        if last:
            return cur, seg
        if isinstance(cur, dict) and seg not in cur:
            return None
        cur = cur[seg]
    return None


def mutate(docs, op, path, value):
    segs = [s.replace("~1", "/").replace("~0", "~") for s in path.split("/")[1:]]
    for doc in docs:
        w = walk(doc, segs)
        if w is None:
            continue
        parent, key = w
        has = key in parent if isinstance(parent, dict) else key < len(parent)
        if op == "add" and isinstance(parent, dict) and not has:
            parent[key] = value
        elif op == "set" and has:
            parent[key] = value
        elif op == "del" and has:
            del parent[key]
        else:
            continue
        return doc
    return None


def check(fields):
    name, expect, schema, mode, path = fields[:5]
    op = fields[5] if len(fields) > 5 else None
    if schema == "-":
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        try:
            jsonschema.validators.validator_for(s).check_schema(s)
        except jsonschema.SchemaError as e:
            return "not a valid schema: %s at %s" % (e.message, e.json_path)
        return None
    v = load_schema(schema)
    try:
        docs = documents(path, mode)
    except (ValueError, UnicodeDecodeError) as e:
        return None if expect == "invalid" else "not JSON: %s" % e
    if op:
        value = json.loads(fields[7]) if len(fields) > 7 and fields[7] != "" else None
        doc = mutate(docs, op, fields[6], value)
        if doc is None:
            return "mutation %s %s found nothing to change in %s" % (op, fields[6], path)
        docs = [doc]
    if not docs and expect == "valid":
        return "no documents in %s" % path
    for n, doc in enumerate(docs, 1):
        errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        if errs and expect == "valid":
            e = errs[0]
            where = ("line %d " % n) if mode == "jsonl" else ""
            msg = e.message
            if len(msg) > 200:  # the message repeats a large instance
                msg = "fails %s %s" % (e.validator, json.dumps(e.validator_value)[:150])
            return "%s%s: %s" % (where, e.json_path, msg)
        if errs:
            return None
    if expect == "invalid":
        return "accepted although it should not be"
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    for line in lines:
        fields = line.split("\t")
        try:
            why = check(fields)
        except Exception as e:  # a broken schema or file is a failure, not a crash
            why = "%s: %s" % (type(e).__name__, e)
        if why is None:
            print("pass %s" % fields[0])
        else:
            print("fail %s: %s" % (fields[0], why))
    return 0


if __name__ == "__main__":
    sys.exit(main())
