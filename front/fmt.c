/*
 * fmt.c — `wyn fmt`, the canonical layout of Wyn source (see fmt.h).
 *
 * Steps: lex with comments kept (lex_keep_comments), merge code and comment
 * tokens in source order, give the ambiguous tokens a role (unary minus,
 * type-argument '<' '>', ternary '?' ':', postfix '?', lambda '|'), decide
 * for every token whether it starts a line (the author's breaks, blank
 * lines squeezed), render with computed indentation and fixed spacing,
 * break over-long lines at their outermost ( or [, and finally re-lex the
 * result and compare it token by token with the input.
 *
 * Line breaks are only ever added inside ( ) and [ ], where the lexer
 * never ends a statement, and never removed: that is why the layout cannot
 * change what a program does.  The final comparison proves it per file.
 */
#include "fmt.h"
#include "diag.h"
#include "lexer.h"
#include "parser.h"
#include <stdlib.h>
#include <string.h>

/* A ( or [ without commas is broken over lines only when what it holds
 * is longer than this: f(\n x\n) gains nothing. */
enum { MIN_BROKEN_CONTENTS = 20 };

typedef enum Role {
    R_NONE,
    R_UNARY,         /* '-' or '~' before an operand */
    R_GENERIC,       /* '<', '>' or '>>' of type arguments: Array<int> */
    R_TERNARY,       /* '?' and ':' of c ? a : b */
    R_POSTFIX,       /* '?' after an operand (error propagation) or a type */
    R_LAMBDA_OPEN,   /* '|' opening lambda parameters */
    R_LAMBDA_CLOSE,
    R_LITERAL_BRACE, /* '{' '}' of a map literal or map type: {"a": 1} */
} Role;

typedef struct FTok {
    TokKind kind;        /* T_COMMENT for comments and the #! line */
    const char *s;
    int len;
    int off;             /* byte offset in the source */
    int nl;              /* newlines between the previous token and this one */
    int adjacent;        /* no whitespace at all before it in the source */
    int ends_stmt;       /* the lexer ends a statement right after it */
    int brk;             /* 0 same line as the previous token, 1 new line, 2 blank line first */
    int match;           /* brackets: index of the partner, else -1 */
    Role role;
} FTok;

typedef struct Line {
    int first, last;     /* token range */
    int indent;
    int width;           /* in code points, indentation included */
    int multiline;       /* holds a token spanning lines: never broken */
    int comment_off;     /* output offset of a trailing '//' comment, else -1 */
    size_t code_end;     /* output offset where the code before it ends */
    int code_width;      /* width up to code_end */
} Line;

typedef struct Fmt {
    const char *text;    /* the source as given (for the #! line) */
    VEC(FTok) t;
    VEC(Line) lines;
    Buf out;
} Fmt;

/* ------------------------------------------------------------ scanning */

/* Length of a leading #! line (0 if none). */
static int shebang_len(const char *text, int len)
{
    if (len < 2 || text[0] != '#' || text[1] != '!')
        return 0;
    int i = 0;
    while (i < len && text[i] != '\n')
        i++;
    return i;
}

/* Lexes text as the parser does (a #! line is not Wyn: see parse_file);
 * the #! line itself, if any, becomes the first comment. */
static void scan(int file, const char *text, int len, TokenList *code, TokenList *comments)
{
    int sb = shebang_len(text, len);
    if (sb) {
        Token t = { .kind = T_COMMENT, .line = 1, .col = 1, .start = text, .len = sb };
        vec_push(comments, t);
    }
    *code = lex_keep_comments(file, text + sb, len - sb, 1, sb + 1, comments);
}

static int tok_len(const Token *t) { return t->len < 0 ? -t->len : t->len; }

static void add_tok(Fmt *f, const char *base, const Token *t, int *prev_end)
{
    int off = (int)(t->start - base);
    FTok ft = { .kind = t->kind, .s = f->text + off, .len = tok_len(t), .off = off,
                .match = -1 };
    for (int i = *prev_end; i < off; i++)
        ft.nl += base[i] == '\n';
    ft.adjacent = *prev_end == off;
    *prev_end = off + ft.len;
    vec_push(&f->t, ft);
}

/* Code and comment tokens merged in source order; statement ends marked. */
static void merge(Fmt *f, const char *base, TokenList *code, TokenList *comments)
{
    int ci = 0, prev_end = 0;
    for (int i = 0; i < code->len; i++) {
        Token *t = &code->items[i];
        if (t->kind == T_EOF)
            break;
        if (t->kind == T_NEWLINE) {
            /* a statement end belongs to the last code token before it */
            for (int j = f->t.len - 1; j >= 0; j--)
                if (f->t.items[j].kind != T_COMMENT) {
                    f->t.items[j].ends_stmt = 1;
                    break;
                }
            continue;
        }
        while (ci < comments->len && comments->items[ci].start < t->start)
            add_tok(f, base, &comments->items[ci++], &prev_end);
        add_tok(f, base, t, &prev_end);
    }
    while (ci < comments->len)
        add_tok(f, base, &comments->items[ci++], &prev_end);
}

/* ------------------------------------------------------------- roles */

static int is_code(const FTok *t) { return t->kind != T_COMMENT; }
static int is_open(TokKind k) { return k == T_LPAREN || k == T_LBRACKET || k == T_LBRACE; }
static int is_close(TokKind k) { return k == T_RPAREN || k == T_RBRACKET || k == T_RBRACE; }

static int next_code(const Fmt *f, int i)
{
    for (i++; i < f->t.len; i++)
        if (is_code(&f->t.items[i]))
            return i;
    return -1;
}

/* Can the token end an operand, so that a following '-' or '|' is binary? */
static int ends_operand(const FTok *t)
{
    switch (t->kind) {
    case T_IDENT: case T_INT: case T_FLOAT: case T_STRING: case T_RAWSTRING:
    case T_RPAREN: case T_RBRACKET: case T_TRUE: case T_FALSE: case T_NONE:
    case T_SELF:
        return 1;
    case T_QUESTION:
        return t->role == R_POSTFIX;
    case T_GT: case T_SHR:
        return t->role == R_GENERIC;
    default:
        return 0;
    }
}

static void match_brackets(Fmt *f)
{
    VEC(int) stack = {0};
    for (int i = 0; i < f->t.len; i++) {
        FTok *t = &f->t.items[i];
        if (is_open(t->kind)) {
            vec_push(&stack, i);
        } else if (is_close(t->kind) && stack.len) {
            int o = stack.items[--stack.len];
            t->match = o;
            f->t.items[o].match = i;
        }
    }
    free(stack.items);
}

/* The ':' of the ternary whose '?' is at q, or -1: the parser's
 * ternary_ahead on the same tokens. */
static int ternary_colon(const Fmt *f, int q)
{
    if (f->t.items[q].ends_stmt)
        return -1;
    int depth = 0;
    for (int i = next_code(f, q); i >= 0; i = next_code(f, i)) {
        TokKind k = f->t.items[i].kind;
        if (is_open(k))
            depth++;
        else if (is_close(k) && --depth < 0)
            return -1;
        else if (depth == 0 && (k == T_SEMI || k == T_COMMA))
            return -1;
        else if (depth == 0 && k == T_COLON)
            return i;
        if (depth == 0 && f->t.items[i].ends_stmt)
            return -1;
    }
    return -1;
}

/* Marks Name<...> as type arguments when the tokens up to the matching '>'
 * can only be a type and no operand follows it (then it is not a < b > c). */
static void mark_generic(Fmt *f, int lt)
{
    int depth = 0, i;
    for (i = lt; i >= 0; i = next_code(f, i)) {
        TokKind k = f->t.items[i].kind;
        if (k == T_LT)
            depth++;
        else if (k == T_GT)
            depth--;
        else if (k == T_SHR)
            depth -= 2;
        else if (k != T_IDENT && k != T_COMMA && k != T_LBRACKET && k != T_RBRACKET &&
                 k != T_LPAREN && k != T_RPAREN && k != T_ARROW && k != T_QUESTION &&
                 k != T_DOT && k != T_FN && k != T_COLONCOLON && k != T_COLON)
            return;
        if (depth < 0)
            return;
        if (depth == 0)
            break;
        if (f->t.items[i].ends_stmt)
            return;
    }
    if (i < 0)
        return;
    int after = next_code(f, i);
    if (after >= 0) {
        TokKind k = f->t.items[after].kind;
        if (k == T_IDENT || k == T_INT || k == T_FLOAT || k == T_STRING || k == T_RAWSTRING ||
            k == T_TRUE || k == T_FALSE || k == T_NONE || k == T_SOME || k == T_SELF)
            return;
    }
    for (int j = lt; j >= 0 && j <= i; j = next_code(f, j)) {
        FTok *t = &f->t.items[j];
        if (t->kind == T_LT || t->kind == T_GT || t->kind == T_SHR)
            t->role = R_GENERIC;
        else if (t->kind == T_QUESTION)
            t->role = R_POSTFIX;
    }
}

static void mark_lambda(Fmt *f, int open)
{
    int depth = 0;
    for (int i = next_code(f, open); i >= 0; i = next_code(f, i)) {
        TokKind k = f->t.items[i].kind;
        if (is_open(k))
            depth++;
        else if (is_close(k) && --depth < 0)
            return;
        else if (depth == 0 && k == T_PIPE) {
            f->t.items[open].role = R_LAMBDA_OPEN;
            f->t.items[i].role = R_LAMBDA_CLOSE;
            return;
        }
    }
}

/* Does a '{' after p start a map literal or map type (not a block or a
 * struct literal, which follow a name, ')' or a keyword)? */
static int opens_literal(const FTok *p)
{
    switch (p->kind) {
    case T_ASSIGN: case T_PLUSEQ: case T_MINUSEQ: case T_STAREQ: case T_SLASHEQ:
    case T_PERCENTEQ: case T_LPAREN: case T_LBRACKET: case T_COMMA: case T_COLON:
    case T_ARROW: case T_RETURN: case T_EQ: case T_NE:
        return 1;
    case T_QUESTION:
        return p->role == R_TERNARY;
    default:
        return 0;
    }
}

static void classify(Fmt *f)
{
    int prev = -1;
    for (int i = 0; i < f->t.len; i++) {
        FTok *t = &f->t.items[i];
        if (!is_code(t))
            continue;
        const FTok *p = prev >= 0 ? &f->t.items[prev] : NULL;
        if (t->role != R_NONE) {
            /* set by an earlier mark_* */
        } else if (t->kind == T_TILDE ||
                   (t->kind == T_MINUS && !(p && !p->ends_stmt &&
                                            (ends_operand(p) || p->kind == T_RBRACE)))) {
            t->role = R_UNARY;
        } else if (t->kind == T_QUESTION) {
            int n = next_code(f, i);
            TokKind nk = n >= 0 ? f->t.items[n].kind : T_EOF;
            int colon = (nk == T_ASSIGN || nk == T_COMMA || nk == T_RPAREN || nk == T_RBRACKET ||
                         nk == T_GT || nk == T_SHR || nk == T_RBRACE) ? -1 : ternary_colon(f, i);
            t->role = colon >= 0 ? R_TERNARY : R_POSTFIX;
            if (colon >= 0)
                f->t.items[colon].role = R_TERNARY;
        } else if (t->kind == T_LT && p && p->kind == T_IDENT) {
            mark_generic(f, i);
        } else if (t->kind == T_PIPE && !(p && ends_operand(p))) {
            mark_lambda(f, i);
        } else if (t->kind == T_LBRACE && t->match >= 0 && p && opens_literal(p)) {
            t->role = R_LITERAL_BRACE;
            f->t.items[t->match].role = R_LITERAL_BRACE;
        }
        prev = i;
    }
}

/* ------------------------------------------------------------ spacing */

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || (unsigned char)c >= 0x80;
}

/* Would writing a and b with no space between lex differently?  Two word
 * characters would merge, and so would these pairs of punctuation (the
 * lexer's two-character tokens, comment openers, '..=' and the '|>' of
 * the pipe). */
static int would_glue(const FTok *a, const FTok *b)
{
    static const char *const pairs[] = {
        "<<", ">>", "==", "!=", "<=", ">=", "=>", "->", "..", "+=", "-=", "*=", "/=",
        "%=", "++", "--", "::", "&&", "||", "?.", "//", "/*", ".=", "|>",
    };
    char x = a->s[a->len - 1], y = b->s[0];
    if (is_word_char(x) && is_word_char(y))
        return 1;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        if (pairs[i][0] == x && pairs[i][1] == y)
            return 1;
    return 0;
}

/* Spaces (0 or 1) between a and b on one line; `inner` is the innermost
 * open bracket around b (0 at statement level). */
static int spacing(const FTok *a, const FTok *b, TokKind inner)
{
    TokKind ak = a->kind, bk = b->kind;
    int sp;
    if (bk == T_COMMENT)
        sp = !(ak == T_LPAREN || ak == T_LBRACKET);
    else if (ak == T_COMMENT)
        sp = !(bk == T_RPAREN || bk == T_RBRACKET || bk == T_COMMA);
    else if (bk == T_COMMA || bk == T_SEMI || bk == T_RPAREN || bk == T_RBRACKET)
        sp = 0;
    else if ((bk == T_PLUSPLUS || bk == T_MINUSMINUS) && ends_operand(a))
        sp = 0;
    else if (ak == T_LPAREN || ak == T_LBRACKET)
        sp = 0;
    else if (ak == T_LBRACE)
        sp = bk != T_RBRACE && a->role != R_LITERAL_BRACE;
    else if (bk == T_RBRACE && b->role == R_LITERAL_BRACE)
        sp = 0;
    else if (ak == T_DOT || bk == T_DOT || ak == T_QDOT || bk == T_QDOT ||
             ak == T_COLONCOLON || bk == T_COLONCOLON || ak == T_DOTDOT || bk == T_DOTDOT ||
             ak == T_DOTDOTEQ || bk == T_DOTDOTEQ)
        sp = 0;
    else if (a->role == R_UNARY || a->role == R_LAMBDA_OPEN || b->role == R_LAMBDA_CLOSE)
        sp = 0;
    else if (b->role == R_POSTFIX)
        sp = 0;
    else if (a->role == R_GENERIC && ak == T_LT)
        sp = 0;
    else if (b->role == R_GENERIC)
        sp = 0;
    else if (bk == T_COLON)
        sp = b->role == R_TERNARY;
    else if (ak == T_COLON)
        sp = a->role == R_TERNARY || inner != T_LBRACKET;
    else if (ak == T_RBRACE && (bk == T_LPAREN || bk == T_LBRACKET || bk == T_MINUS))
        sp = !a->adjacent ? 1 : !b->adjacent; /* rare; keep what was written */
    else if (bk == T_LPAREN)
        sp = !(ak == T_IDENT || ak == T_RPAREN || ak == T_RBRACKET || ak == T_SOME ||
               ak == T_FN || ak == T_PARALLEL || (ak == T_GT && a->role == R_GENERIC) || a->role == R_POSTFIX);
    else if (bk == T_LBRACKET)
        sp = !(ak == T_IDENT || ak == T_RPAREN || ak == T_RBRACKET || ak == T_STRING ||
               ak == T_RAWSTRING || ak == T_SELF || a->role == R_POSTFIX);
    else
        sp = 1;
    if (!sp && would_glue(a, b))
        sp = 1;
    return sp;
}

/* ------------------------------------------------------------- layout */

/* '//' comments and the #! line (they end their line). */
static int is_line_comment(const FTok *t)
{
    return t->kind == T_COMMENT && (t->s[0] == '#' || t->s[1] == '/');
}

/* Initial line structure: the author's line breaks, at most one blank
 * line, none at the start of the file or just inside brackets. */
static void initial_breaks(Fmt *f)
{
    for (int i = 0; i < f->t.len; i++) {
        FTok *t = &f->t.items[i];
        t->brk = i == 0 ? 0 : t->nl >= 2 ? 2 : t->nl;
        if (t->brk == 2 && ((is_code(t) && is_close(t->kind)) ||
                            (is_code(&f->t.items[i - 1]) && is_open(f->t.items[i - 1].kind))))
            t->brk = 1;
    }
}

typedef struct Open {
    TokKind kind;
    int line_indent;     /* indentation of the line that opened it */
} Open;

/* What render() knows while it walks the tokens. */
typedef struct Render {
    VEC(Open) stack;
    int last_code;       /* index of the last code token so far, or -1 */
    int indent;          /* of the current line */
    int body_indent;     /* after a braceless `if c` / for / while / else line:
                          * the indentation of its one-statement body, else -1 */
    int first_code;      /* first code token of the current line, or -1 */
    int net;             /* brackets opened minus closed on it after first_code */
    size_t line_start;   /* offset of the current line in the output */
    Line ln;
} Render;

static int code_points(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Is the finished line a block head whose body is the next statement
 * (no braces, SPEC: a newline after the condition)? */
static int braceless_head(const Fmt *f, const Render *r)
{
    if (r->first_code < 0 || r->net != 0)
        return 0;
    const FTok *fc = &f->t.items[r->first_code];
    TokKind k = fc->kind;
    if (k == T_RBRACE) {
        int n = next_code(f, r->first_code);
        k = n >= 0 && n <= r->ln.last ? f->t.items[n].kind : T_EOF;
    }
    const FTok *lc = &f->t.items[r->last_code];
    return (k == T_IF || k == T_WHILE || k == T_FOR || k == T_ELSE) &&
           lc->kind != T_LBRACE && lc->kind != T_RBRACE && !tok_continues_line(lc->kind);
}

static void finish_line(Fmt *f, Render *r)
{
    if (r->ln.first < 0)
        return;
    r->ln.width = code_points(f->out.data + r->line_start, f->out.len - r->line_start);
    if (r->ln.comment_off >= 0)
        r->ln.code_width = code_points(f->out.data + r->line_start, r->ln.code_end - r->line_start);
    r->ln.indent = r->indent;
    vec_push(&f->lines, r->ln);
    if (r->first_code >= 0) /* comment lines keep a pending body indent */
        r->body_indent = braceless_head(f, r) ? r->indent + 1 : -1;
}

/* Indentation of a line starting with token i. */
static int line_indent(const Fmt *f, const Render *r, int i)
{
    const FTok *t = &f->t.items[i];
    int code = is_code(t);
    const Open *top = r->stack.len ? &r->stack.items[r->stack.len - 1] : NULL;
    if (code && is_close(t->kind) && t->match >= 0 && top)
        return top->line_indent;
    if (r->body_indent >= 0)
        return r->body_indent;
    int indent = top ? top->line_indent + 1 : 0;
    const FTok *lc = r->last_code >= 0 ? &f->t.items[r->last_code] : NULL;
    /* a continued statement: the lexer did not end it at the line break
     * (after an operator, before a '.' chain...), or, inside ( [, the
     * line before ends with an operator or this one starts a '.' chain */
    int statement_level = !top || top->kind == T_LBRACE;
    if ((code && (t->kind == T_DOT || t->kind == T_QDOT)) ||
        (lc && lc->kind != T_COMMA && tok_continues_line(lc->kind)) ||
        (statement_level && lc && lc->kind != T_COMMA && lc->kind != T_LBRACE && !lc->ends_stmt))
        indent++;
    return indent;
}

static void start_line(Fmt *f, Render *r, int i)
{
    const FTok *t = &f->t.items[i];
    if (i > 0) {
        finish_line(f, r);
        buf_puts(&f->out, t->brk == 2 ? "\n\n" : "\n");
    }
    r->indent = line_indent(f, r, i);
    r->line_start = f->out.len;
    for (int k = 0; k < r->indent; k++)
        buf_puts(&f->out, "    ");
    r->ln = (Line){ .first = i, .last = i, .comment_off = -1 };
    r->first_code = -1;
    r->net = 0;
}

/* Writes the text for the current brk decisions into f->out and the line
 * table into f->lines. */
static void render(Fmt *f)
{
    f->out.len = 0;
    f->lines.len = 0;
    Render r = { .last_code = -1, .body_indent = -1, .ln = { .first = -1 } };
    for (int i = 0; i < f->t.len; i++) {
        FTok *t = &f->t.items[i];
        int code = is_code(t);
        if (i == 0 || t->brk) {
            start_line(f, &r, i);
        } else {
            TokKind inner = r.stack.len ? r.stack.items[r.stack.len - 1].kind : T_EOF;
            r.ln.code_end = f->out.len;
            if (spacing(&f->t.items[i - 1], t, inner))
                buf_puts(&f->out, " ");
            r.ln.last = i;
            if (is_line_comment(t))
                r.ln.comment_off = f->out.len;
        }
        if (t->len && memchr(t->s, '\n', (size_t)t->len))
            r.ln.multiline = 1;
        buf_put(&f->out, t->s, (size_t)t->len);
        if (code && r.first_code < 0) {
            r.first_code = i;
        } else if (code && is_open(t->kind)) {
            r.net++;
        } else if (code && is_close(t->kind)) {
            r.net--;
        }
        if (code && is_open(t->kind)) {
            Open o = { t->kind, r.indent };
            vec_push(&r.stack, o);
        } else if (code && is_close(t->kind) && t->match >= 0 && r.stack.len) {
            r.stack.len--;
        }
        if (code)
            r.last_code = i;
    }
    finish_line(f, &r);
    if (f->t.len)
        buf_puts(&f->out, "\n");
    buf_put(&f->out, "", 0); /* allocated and NUL-terminated even when empty */
    free(r.stack.items);
}

static int has_trailing_comment(const Fmt *f, int line)
{
    const Line *ln = &f->lines.items[line];
    return ln->comment_off >= 0 && !ln->multiline;
}

/* Lines in a row that end with a '//' comment get their comments lined up
 * one space after the longest code among them (as gofmt does). */
static void align_comments(Fmt *f)
{
    Buf out = {0};
    size_t copied = 0;
    int i = 0;
    while (i < f->lines.len) {
        int j = i, col = 0;
        while (j < f->lines.len && has_trailing_comment(f, j) &&
               (j == i || f->t.items[f->lines.items[j].first].brk == 1)) {
            if (f->lines.items[j].code_width + 1 > col)
                col = f->lines.items[j].code_width + 1;
            j++;
        }
        for (int k = i; j - i >= 2 && k < j; k++) {
            const Line *ln = &f->lines.items[k];
            buf_put(&out, f->out.data + copied, ln->code_end - copied);
            for (int pad = ln->code_width; pad < col; pad++)
                buf_puts(&out, " ");
            copied = (size_t)ln->comment_off;
        }
        i = j > i ? j : i + 1;
    }
    if (!copied)
        return;
    buf_put(&out, f->out.data + copied, f->out.len - copied);
    buf_free(&f->out);
    f->out = out;
}

/* How a token changes the nesting that line breaking counts: brackets,
 * type arguments and lambda parameter lists. */
static int nest_change(const FTok *t)
{
    if (!is_code(t))
        return 0;
    if (is_open(t->kind) || t->role == R_LAMBDA_OPEN || (t->kind == T_LT && t->role == R_GENERIC))
        return 1;
    if (is_close(t->kind) || t->role == R_LAMBDA_CLOSE || (t->kind == T_GT && t->role == R_GENERIC))
        return -1;
    return t->kind == T_SHR && t->role == R_GENERIC ? -2 : 0;
}

/* A long line with a chain of two or more method calls at its own level
 * breaks before each '.' after the first call.  (The lexer never ends a
 * statement before a line that starts with '.'.)  Returns 0 if it has none. */
static int break_chain(Fmt *f, const Line *ln)
{
    VEC(int) dots = {0};  /* the '.' of each call of the current chain */
    int depth = 0, last_close = -1;
    for (int k = ln->first; k <= ln->last; k++) {
        const FTok *t = &f->t.items[k];
        if (depth == 0 && k > ln->first && k + 2 <= ln->last && is_code(t) &&
            (t->kind == T_DOT || t->kind == T_QDOT) && f->t.items[k + 1].kind == T_IDENT &&
            f->t.items[k + 2].kind == T_LPAREN && f->t.items[k + 2].match > 0) {
            if (dots.len && k - 1 != last_close) {
                if (dots.len >= 2)
                    break;        /* the first chain of the line is enough */
                dots.len = 0;     /* a single call: start again here */
            }
            vec_push(&dots, k);
            last_close = f->t.items[k + 2].match;
        }
        depth += nest_change(t);
        if (depth < 0) { /* closes what an earlier line opened: a new level */
            depth = 0;
            dots.len = 0;
        }
    }
    int changed = dots.len >= 2;
    for (int i = 1; changed && i < dots.len; i++)
        f->t.items[dots.items[i]].brk = 1;
    free(dots.items);
    return changed;
}

/* Is the ( or [ at j worth breaking: a list, or long contents? */
static int worth_breaking(const Fmt *f, int j)
{
    int depth = 0, chars = 0;
    for (int k = j + 1; k < f->t.items[j].match; k++) {
        const FTok *t = &f->t.items[k];
        if (depth == 0 && is_code(t) && t->kind == T_COMMA)
            return 1;
        depth += nest_change(t);
        chars += t->len + 1;
    }
    return chars > MIN_BROKEN_CONTENTS;
}

/* Breaks the outermost ( or [ of a long line whose partner is on the same
 * line, one element per line.  Returns 0 when the line has none. */
static int break_line(Fmt *f, const Line *ln)
{
    if (break_chain(f, ln))
        return 1;
    for (int j = ln->first; j <= ln->last; j++) {
        FTok *o = &f->t.items[j];
        if (!is_code(o) || (o->kind != T_LPAREN && o->kind != T_LBRACKET) ||
            o->match <= j + 1 || o->match > ln->last || !worth_breaking(f, j))
            continue;
        int depth = 0;
        f->t.items[j + 1].brk = 1;
        for (int k = j + 1; k < o->match; k++) {
            FTok *t = &f->t.items[k];
            if (depth == 0 && is_code(t) && t->kind == T_COMMA && k + 1 < o->match)
                f->t.items[k + 1].brk = 1;
            depth += nest_change(t);
        }
        f->t.items[o->match].brk = 1;
        return 1;
    }
    return 0;
}

static void layout(Fmt *f)
{
    initial_breaks(f);
    for (;;) {
        render(f);
        int changed = 0;
        for (int i = 0; i < f->lines.len && !changed; i++) {
            Line *ln = &f->lines.items[i];
            if (ln->width > FMT_WIDTH && !ln->multiline)
                changed = break_line(f, ln);
        }
        if (!changed) {
            align_comments(f);
            return;
        }
    }
}

/* ------------------------------------------------------ verification */

static int same_comment(const Token *a, const Token *b)
{
    return a->len == b->len && memcmp(a->start, b->start, (size_t)a->len) == 0;
}

/* 0 when `after` has the same tokens, statement ends and comments as the
 * input; otherwise the 1-based line of `after` where they first differ. */
static int differs(int file, TokenList *code, TokenList *comments, const char *after, int len)
{
    TokenList code2 = {0}, comments2 = {0};
    scan(file, after, len, &code2, &comments2);
    int bad = 0;
    for (int i = 0; !bad && (i < code->len || i < code2.len); i++) {
        if (i >= code->len || i >= code2.len) {
            bad = i < code2.len ? code2.items[i].line : 1;
            break;
        }
        Token *a = &code->items[i], *b = &code2.items[i];
        if (a->kind != b->kind || tok_len(a) != tok_len(b) ||
            memcmp(a->start, b->start, (size_t)tok_len(a)) != 0)
            bad = b->line;
    }
    for (int i = 0; !bad && (i < comments->len || i < comments2.len); i++) {
        if (i >= comments->len || i >= comments2.len)
            bad = i < comments2.len ? comments2.items[i].line : 1;
        else if (!same_comment(&comments->items[i], &comments2.items[i]))
            bad = comments2.items[i].line;
    }
    free(code2.items);
    free(comments2.items);
    return bad;
}

FmtStatus fmt_file(int file, Buf *out)
{
    const SourceFile *sf = diag_file(file);
    int errors = diag_error_count();
    parse_file(file);
    if (diag_error_count() > errors)
        return FMT_SYNTAX;
    Fmt f = { .text = sf->text };
    TokenList code = {0}, comments = {0};
    scan(file, sf->text, sf->len, &code, &comments);
    merge(&f, sf->text, &code, &comments);
    match_brackets(&f);
    classify(&f);
    layout(&f);
    int bad = differs(file, &code, &comments, f.out.data, (int)f.out.len);
    free(code.items);
    free(comments.items);
    free(f.t.items);
    free(f.lines.items);
    if (bad) {
        fprintf(stderr, "%s:%d: internal error: wyn fmt would change the program's tokens here "
                "(please report); the file is left as it was\n", sf->path, bad);
        buf_free(&f.out);
        return FMT_INTERNAL;
    }
    *out = f.out;
    return FMT_OK;
}
