#!/usr/bin/env python3
"""Mutator for the Wyn fuzzer: turns seed programs into damaged ones.

Used as a library by fuzz.py, or on its own:

    python3 tests/fuzz/mutate.py [--seed N] [--count K] OUTDIR SEED.wyn...

writes K mutants (default 1) of randomly chosen seeds to OUTDIR/mut-N.wyn.

Every mutation works on bytes.  A mutant is made by applying 1..4 randomly
chosen operators to one seed:

  byte level     flip a bit, replace / insert / delete a byte, insert
                 non-UTF-8 bytes (lone continuation bytes, overlong forms,
                 0xFF, surrogates), very rarely a NUL (rejected by design:
                 the compiler must say so with a proper diagnostic)
  token level    delete, duplicate, swap or move a token; replace an
                 identifier with another one from the same file; replace a
                 literal with a literal of another type; insert a random
                 keyword / operator / bracket / quote / `${` / type name
  line level     delete, duplicate, swap lines; splice lines from another
                 seed; truncate the file at a random byte
  structure      wrap an expression or a line in deep nesting (hundreds to
                 tens of thousands of '(' '[' '{' or `if true {`), very long
                 identifiers, numbers and strings, long operator chains,
                 insert a snippet of valid-ish Wyn from a dictionary that
                 exercises the less common features (match, generics,
                 closures, spawn, select, parallel, extern, defer, `?`)
"""
import os
import random
import re
import sys

KEYWORDS = (
    "and as await break const continue defer else enum extern false fn for "
    "if impl import in match none None not or parallel pub return select "
    "self Some spawn struct true var while Ok Err Self"
).split()

TYPES = ["int", "float", "bool", "string", "[int]", "{string: int}", "int?",
         "Result<int, string>", "(int, string)", "fn(int) -> int", "ptr",
         "f32", "i32", "void", "[[string]]", "Future<int>", "Point", "T"]

OPERATORS = [
    "+", "-", "*", "/", "%", "&", "|", "^", "~", "<<", ">>", "==", "!=", "<",
    "<=", ">", ">=", "=", "+=", "-=", "*=", "/=", "%=", "++", "--", "=>",
    "->", "?", "?.", ":", "::", ".", "..", "..=", ",", ";", "&&", "||", "!",
    "@", "#", "$", "`", "\\", "not in", "in",
]

BRACKETS = ["(", ")", "[", "]", "{", "}", "<", ">"]

QUOTES = ['"', "'", '"""', "${", "}", "\\${", "\\", '"${', '${"', "/*", "*/",
          "//", '"\\', '\\u{', '\\x']

LITERALS = [
    b"0", b"1", b"-1", b"42", b"0x7FFFFFFFFFFFFFFF", b"9223372036854775807",
    b"9223372036854775808", b"-9223372036854775808", b"0b", b"0x", b"1_",
    b"1__0", b"0b102", b"0xZZ", b"1e", b"1e+", b"1.", b".5", b"1.5", b"1e308",
    b"1e309", b"0.0", b"-0.0", b'""', b'"x"', b'"${1}"', b'"${}"',
    b'"""raw"""', b"true", b"false", b"none", b"None", b"Some(1)", b"Ok(1)",
    b'Err("e")', b"[]", b"{}", b"[1, 2]", b'{"a": 1}', b"(1, 2)", b"()",
    b"(x) => x", b"|x| x + 1", b"fn(x: int) -> int { return x }",
    b"spawn f()", b"await f()", b"self", b"_", b"Point { x: 1, y: 2 }",
    b"1..10", b"1..=3", b"[x for x in xs]", b"channel(1)", b"Math.PI",
]

SNIPPETS = [
    b"match x { 1 => 2, _ => 3 }",
    b"match x {\n    Some(v) => v\n    none => 0\n}",
    b"match s { Circle(r) => r, Rect(w, h) => w * h, Dot => 0 }",
    b"if let Some(v) = o { println(v) } else { println(0) }",
    b"fn id<T>(x: T) -> T { return x }",
    b"struct Box<T> { val: T }",
    b"struct S { s: S }",
    b"enum E { A(int), B(E, E), C }",
    b"impl Point { fn new(x: int, y: int) -> Point { return Point { x: x, y: y } } }",
    b"var f = (x) => x * 2",
    b"var g = |a, b| a + b",
    b"xs.map((x) => x * 2).filter((x) => x > 1).reduce((a, b) => a + b, 0)",
    b"var fut = spawn work(1)\nvar r = await fut",
    b"parallel { a = spawn f(1)  b = spawn f(2) }",
    b"parallel(timeout: 5) { a = spawn f(1) }",
    b"select { v = ch.recv() => println(v)  timeout(10) => println(0)  default => println(1) }",
    b"var ch = channel(1)\nch.send(1)\nprintln(ch.recv())",
    b'extern fn sqrt(x: float) -> float',
    b'extern "libm.so.6" { fn cos(x: float) -> float }',
    b"defer println(1)",
    b"fn t() -> Result<int, string> { var v = Err(\"e\")?\n return Ok(v) }",
    b"var o: int? = none\nprintln(o?.abs())",
    b"for i, x in xs { println(i, x) }",
    b"for k, v in m { println(k, v) }",
    b"for a, b in zip(xs, ys) { }",
    b"var a, b = 1, 2\na, b = b, a",
    b"const K = 10\nK = 11",
    b"import geometry\nprintln(geometry.area(1, 2))",
    b"import nosuchmodule",
    b"x++",
    b"var t = (1, \"a\")\nvar p, q = t",
    b"println(\"${\"${\"${1}\"}\"}\")",
    b"println(\"a\", \"b\", sep: \", \", end: \"\")",
    b"return 3",
    b"fn main() -> int { return 0 }",
    b"var xs: [int] = []",
    b"var m = {}\nm[\"k\"] = 1",
    b"var e = []\nprintln(e)",
    b"Task.value(0)",
    b"await_all([spawn f(1)])",
    b"\"{} {}\".format(1)",
    b"var s = StringBuilder.new()\ns.append(\"x\")",
    b"fn r(n: int) -> int => n < 1 ? 0 : r(n - 1)",
    b"println(Color.Red.to_string())",
    b"var p: fn(int) -> int = sq",
    b"println([1, \"a\", 2.0])",
    b"println({1: \"a\", \"b\": 2})",
    b"var v = if true { 1 } else { \"a\" }",
    b"while true { break }",
    b"for i in range(10, 0, -1) { continue }",
]

NON_UTF8 = [b"\x80", b"\xbf", b"\xc0\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xff", b"\xfe\xff",
            b"\xef\xbb\xbf", b"\xe2\x80\xae", b"\xcc\x81", b"\x7f", b"\x1b[31m",
            b"\r", b"\r\n", b"\t", b"\x0b", b"\x0c"]

TOKEN_RE = re.compile(
    rb'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*[\s\S]*?\*/'
    rb'|[A-Za-z_][A-Za-z0-9_]*|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?|0[xXbB][0-9A-Fa-f_]+'
    rb'|\.\.=|\.\.|=>|->|==|!=|<=|>=|<<|>>|\+=|-=|\*=|/=|%=|\+\+|--|&&|\|\||\?\.|::'
    rb'|\s+|.', re.S)
IDENT_RE = re.compile(rb'[A-Za-z_][A-Za-z0-9_]*\Z')


def tokens(data):
    return TOKEN_RE.findall(data)


def significant(toks):
    return [i for i, t in enumerate(toks) if not t.isspace()]


class Mutator:
    def __init__(self, rng, corpus):
        self.rng = rng
        self.corpus = corpus          # list of bytes

    # --- helpers ---------------------------------------------------------
    def pos(self, data):
        return self.rng.randint(0, len(data)) if data else 0

    def line_start(self, data):
        starts = [0] + [m.end() for m in re.finditer(rb'\n', data)]
        return self.rng.choice(starts)

    def other(self):
        return self.rng.choice(self.corpus) if self.corpus else b""

    def rand_word(self):
        r = self.rng.random()
        if r < 0.3:
            return self.rng.choice(KEYWORDS).encode()
        if r < 0.55:
            return self.rng.choice(OPERATORS).encode()
        if r < 0.7:
            return self.rng.choice(BRACKETS).encode()
        if r < 0.85:
            return self.rng.choice(QUOTES).encode()
        if r < 0.93:
            return self.rng.choice(TYPES).encode()
        return self.rng.choice(LITERALS)

    # --- byte level ------------------------------------------------------
    def bit_flip(self, d):
        if not d:
            return d
        i = self.rng.randrange(len(d))
        return d[:i] + bytes([d[i] ^ (1 << self.rng.randrange(8))]) + d[i + 1:]

    def byte_set(self, d):
        if not d:
            return d
        i = self.rng.randrange(len(d))
        c = self.rng.choice(b'(){}[]<>"\'$\\:;,.=?!+-*/%&|^~#@` \n\t0123456789azAZ_')
        return d[:i] + bytes([c]) + d[i + 1:]

    def byte_delete(self, d):
        if not d:
            return d
        i = self.rng.randrange(len(d))
        n = self.rng.choice([1, 1, 1, 2, 4, 16])
        return d[:i] + d[i + n:]

    def non_utf8(self, d):
        i = self.pos(d)
        ins = self.rng.choice(NON_UTF8)
        if self.rng.random() < 0.02:
            ins = b"\x00"
        return d[:i] + ins + d[i:]

    def non_utf8_in_string(self, d):
        idx = [m.start() + 1 for m in re.finditer(rb'"', d)]
        if not idx:
            return self.non_utf8(d)
        i = self.rng.choice(idx)
        return d[:i] + self.rng.choice(NON_UTF8) + d[i:]

    # --- token level -----------------------------------------------------
    def tok_op(self, d):
        toks = tokens(d)
        sig = significant(toks)
        if not sig:
            return d + self.rand_word()
        op = self.rng.randrange(7)
        i = self.rng.choice(sig)
        if op == 0:                                   # delete
            del toks[i]
        elif op == 1:                                 # duplicate
            toks.insert(i, toks[i])
        elif op == 2:                                 # swap two tokens
            j = self.rng.choice(sig)
            toks[i], toks[j] = toks[j], toks[i]
        elif op == 3:                                 # swap with neighbour
            k = sig.index(i)
            if k + 1 < len(sig):
                j = sig[k + 1]
                toks[i], toks[j] = toks[j], toks[i]
        elif op == 4:                                 # move
            t = toks.pop(i)
            toks.insert(self.rng.randrange(len(toks) + 1), t)
        elif op == 5:                                 # replace by random word
            toks[i] = self.rand_word()
        else:                                         # delete a run
            n = self.rng.randint(2, 8)
            k = sig.index(i)
            for j in sorted(sig[k:k + n], reverse=True):
                del toks[j]
        return b"".join(toks)

    def insert_word(self, d):
        toks = tokens(d)
        i = self.rng.randint(0, len(toks))
        sep = self.rng.choice([b"", b" ", b" "])
        toks.insert(i, sep + self.rand_word() + sep)
        return b"".join(toks)

    def ident_swap(self, d):
        toks = tokens(d)
        ids = [i for i, t in enumerate(toks) if IDENT_RE.match(t)]
        if len(ids) < 2:
            return self.insert_word(d)
        i = self.rng.choice(ids)
        toks[i] = toks[self.rng.choice(ids)]
        return b"".join(toks)

    def literal_swap(self, d):
        toks = tokens(d)
        lit = [i for i, t in enumerate(toks)
               if t[:1].isdigit() or t[:1] == b'"' or t in (b"true", b"false", b"none")]
        if not lit:
            return self.insert_word(d)
        i = self.rng.choice(lit)
        toks[i] = self.rng.choice(LITERALS)
        return b"".join(toks)

    def type_swap(self, d):
        toks = tokens(d)
        cand = [i for i, t in enumerate(toks)
                if t in (b"int", b"float", b"bool", b"string", b"T", b"ptr")]
        if not cand:
            return self.literal_swap(d)
        toks[self.rng.choice(cand)] = self.rng.choice(TYPES).encode()
        return b"".join(toks)

    # --- line level ------------------------------------------------------
    def line_op(self, d):
        lines = d.split(b"\n")
        if len(lines) < 2:
            return d + b"\n" + self.other().split(b"\n")[0]
        op = self.rng.randrange(4)
        i = self.rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = self.rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:                                          # delete a block
            del lines[i:i + self.rng.randint(2, 10)]
        return b"\n".join(lines)

    def splice(self, d):
        o = self.other().split(b"\n")
        lines = d.split(b"\n")
        a = self.rng.randrange(len(o))
        chunk = o[a:a + self.rng.randint(1, 12)]
        i = self.rng.randint(0, len(lines))
        if self.rng.random() < 0.3:                    # crossover
            return b"\n".join(lines[:i] + o[a:])
        return b"\n".join(lines[:i] + chunk + lines[i:])

    def truncate(self, d):
        if not d:
            return d
        return d[:self.rng.randrange(len(d))]

    def snippet(self, d):
        i = self.line_start(d)
        return d[:i] + self.rng.choice(SNIPPETS) + b"\n" + d[i:]

    # --- structure -------------------------------------------------------
    def deep_nest(self, d):
        n = self.rng.choice([50, 150, 199, 200, 201, 255, 256, 500, 1000, 5000, 50000])
        kind = self.rng.randrange(8)
        if kind == 0:
            e = b"x = " + b"(" * n + b"1" + b")" * n
        elif kind == 1:
            e = b"x = " + b"[" * n + b"1" + b"]" * n
        elif kind == 2:
            e = b"x = " + b"(" * n                     # unclosed
        elif kind == 3:
            e = b"if true {\n" * n + b"println(1)\n" + b"}\n" * n
        elif kind == 4:
            e = b"x = " + b"-" * n + b"1"
        elif kind == 5:
            e = b"x = " + b"not " * n + b"true"
        elif kind == 6:
            e = b"x = " + b"1 + " * n + b"1"
        else:
            e = b'x = "' + b'${"' * min(n, 2000) + b"1" + b'"}' * min(n, 2000) + b'"'
        i = self.line_start(d)
        return d[:i] + e + b"\n" + d[i:]

    def wrap_nest(self, d):
        toks = tokens(d)
        sig = significant(toks)
        if not sig:
            return self.deep_nest(d)
        i = self.rng.choice(sig)
        n = self.rng.choice([3, 30, 300, 3000])
        o, c = self.rng.choice([(b"(", b")"), (b"[", b"]"), (b"{", b"}"),
                                (b"Some(", b")"), (b"[", b"][0]"), (b"-", b"")])
        toks[i] = o * n + toks[i] + c * n
        return b"".join(toks)

    def long_thing(self, d):
        n = self.rng.choice([64, 255, 256, 1024, 4096, 65536, 300000])
        kind = self.rng.randrange(6)
        if kind == 0:
            s = b"v" + b"x" * n
            e = b"var " + s + b" = 1\nprintln(" + s + b")"
        elif kind == 1:
            e = b"println(" + b"9" * n + b")"
        elif kind == 2:
            e = b'println("' + b"a" * n + b'")'
        elif kind == 3:
            e = b"println(1." + b"5" * n + b"e" + b"9" * min(n, 30) + b")"
        elif kind == 4:
            e = b"fn f(" + b", ".join(b"a%d: int" % k for k in range(min(n, 3000))) + b") { }"
        else:
            e = b"println([" + b"1, " * min(n, 20000) + b"1])"
        toks = tokens(d)
        ids = [i for i, t in enumerate(toks) if IDENT_RE.match(t) and t not in KEYWORDS]
        if ids and self.rng.random() < 0.4:           # lengthen an identifier
            i = self.rng.choice(ids)
            old = toks[i]
            new = old + b"_" * n
            return b"".join(new if t == old else t for t in toks)
        i = self.line_start(d)
        return d[:i] + e + b"\n" + d[i:]

    OPS = [
        ("bit_flip", 4), ("byte_set", 4), ("byte_delete", 3), ("non_utf8", 2),
        ("non_utf8_in_string", 1), ("tok_op", 14), ("insert_word", 10),
        ("ident_swap", 8), ("literal_swap", 8), ("type_swap", 5),
        ("line_op", 6), ("splice", 6), ("truncate", 3), ("snippet", 8),
        ("deep_nest", 1), ("wrap_nest", 2), ("long_thing", 1),
    ]

    def mutate(self, data):
        names = [n for n, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        k = self.rng.choice([1, 1, 1, 2, 2, 3, 4])
        used = []
        for _ in range(k):
            name = self.rng.choices(names, weights)[0]
            data = getattr(self, name)(data)
            used.append(name)
        if len(data) > 2_000_000:
            data = data[:2_000_000]
        return data, used


def main(argv):
    seed, count = None, 1
    args = list(argv)
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--seed":
            seed = int(args.pop(0))
        elif opt == "--count":
            count = int(args.pop(0))
        else:
            sys.exit("unknown option " + opt)
    if len(args) < 2:
        sys.exit(__doc__)
    out, seeds = args[0], args[1:]
    corpus = [open(f, "rb").read() for f in seeds]
    rng = random.Random(seed)
    m = Mutator(rng, corpus)
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        data, used = m.mutate(rng.choice(corpus))
        with open(os.path.join(out, "mut-%d.wyn" % n), "wb") as f:
            f.write(data)
        print("mut-%d.wyn %s" % (n, " ".join(used)))


if __name__ == "__main__":
    main(sys.argv[1:])
