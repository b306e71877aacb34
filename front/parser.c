/*
 * parser.c — recursive descent for statements and declarations, Pratt
 * (precedence climbing) for expressions.  See parser.h.
 *
 * Precedence, loosest first (SPEC §5): ternary, or, and, pipe |>, comparison
 * (non-associative), shift, additive, bitwise (& | ^, tighter than + -),
 * multiplicative, prefix, postfix.
 */
#define _GNU_SOURCE
#include "parser.h"
#include "diag.h"
#include "lexer.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Parser {
    int file;
    Token *toks;
    int pos, ntoks;
    int no_struct_lit; /* inside if/while/for/match heads */
    int unclosed_reported; /* the file ended inside braces: said once */
} Parser;

/* Set after a nesting-limit error: the rest of the input is skipped and no
 * further (consequential) errors are reported. */
static int bailing;

/* Syntax errors abandon the current statement with this marker. */
/* Limits that keep the recursive passes (checker, emitter) far from the
 * end of the compiler's stack on hostile input. */
enum { MAX_NESTING = 200, MAX_CHAIN = 1000, MAX_TYPE_NESTING = 100, MAX_BLOCK_NESTING = 1000 };
static int type_nesting, block_nesting;
static int nesting;

static Node *parse_expr(Parser *p);
static Node *parse_block(Parser *p);
static Node *parse_stmt(Parser *p);
static Node *parse_type(Parser *p);
static Node *parse_pattern(Parser *p);
static Node *parse_prec(Parser *p, int prec);

static Token *peek(Parser *p) { return &p->toks[p->pos]; }
static Token *peek_at(Parser *p, int k)
{
    int i = p->pos + k;
    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}
static TokKind kind(Parser *p) { return p->toks[p->pos].kind; }
static Token *next(Parser *p)
{
    Token *t = &p->toks[p->pos];
    if (t->kind != T_EOF)
        p->pos++;
    return t;
}
static int accept(Parser *p, TokKind k)
{
    if (kind(p) == k) {
        next(p);
        return 1;
    }
    return 0;
}
static void skip_newlines(Parser *p)
{
    while (kind(p) == T_NEWLINE || kind(p) == T_SEMI)
        next(p);
}

static Node *mk(Parser *p, NodeKind k, Token *t)
{
    return node_new(k, p->file, t->line, t->col);
}

static void error_at(Parser *p, Token *t, const char *fmt, const char *arg)
{
    if (!bailing)
        diag_error(p->file, t->line, t->col, fmt, arg);
}

/* Reports a nesting limit once and gives up on the rest of the file. */
static void bail_out(Parser *p, Token *t, const char *msg)
{
    error_at(p, t, "%s", msg);
    bailing = 1;
    while (kind(p) != T_EOF)
        next(p);
}

static Token *expect(Parser *p, TokKind k, const char *what)
{
    Token *t = peek(p);
    if (t->kind != k) {
        char msg[200];
        snprintf(msg, sizeof msg, "expected %s%s%s, found %s", tok_name(k),
                 what ? " " : "", what ? what : "", tok_name(t->kind));
        error_at(p, t, "%s", msg);
        return NULL;
    }
    return next(p);
}

static const char *tok_text(Token *t) { return arena_strndup(t->start, (size_t)t->len); }

static int tok_is(Token *t, const char *word)
{
    return t->kind == T_IDENT && t->len == (int)strlen(word) && memcmp(t->start, word, (size_t)t->len) == 0;
}

/* Column of the first token on the line of token i. */
static int line_indent(Parser *p, int i)
{
    while (i > 0 && p->toks[i - 1].line == p->toks[i].line && p->toks[i - 1].kind != T_NEWLINE)
        i--;
    return p->toks[i].col;
}

/* The file ended with a '{' still open: which one to blame.  A '}' that
 * starts a line less indented than the line of the '{' it closed most
 * likely belonged to an outer brace, so that '{' is the one left open;
 * without such a hint, the innermost brace still open. */
static Token *unclosed_brace(Parser *p)
{
    VEC(int) open = {0};
    int suspect = -1;
    for (int i = 0; i < p->ntoks; i++) {
        if (p->toks[i].kind == T_LBRACE) {
            vec_push(&open, i);
        } else if (p->toks[i].kind == T_RBRACE && open.len) {
            int o = open.items[--open.len];
            int starts_line = i == 0 || p->toks[i - 1].kind == T_NEWLINE || p->toks[i - 1].line != p->toks[i].line;
            if (suspect < 0 && starts_line && p->toks[i].col < line_indent(p, o))
                suspect = o;
        }
    }
    int blame = suspect >= 0 ? suspect : open.len ? open.items[open.len - 1] : -1;
    free(open.items);
    return blame >= 0 ? &p->toks[blame] : NULL;
}

/* Expects the '}' of a construct; at the end of the file the error points
 * at the brace that is still open, not at the end. */
static void close_brace(Parser *p, const char *what)
{
    if (kind(p) != T_EOF) {
        expect(p, T_RBRACE, what);
        return;
    }
    if (p->unclosed_reported)
        return;
    p->unclosed_reported = 1;
    Token *open = unclosed_brace(p);
    error_at(p, open ? open : peek(p), "this '{' is never closed: the file ends before its '}'%s", "");
}

/* A name: an identifier, or any keyword where a name is expected after '.'. */
static const char *expect_name(Parser *p, const char *what)
{
    Token *t = peek(p);
    if (t->kind == T_IDENT || (tok_is_keyword(t->kind) && t->kind != T_EOF)) {
        next(p);
        return tok_text(t);
    }
    expect(p, T_IDENT, what);
    return "_error_";
}

/* ------------------------------------------------------------- strings */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes escapes of s[0..n) into a fresh arena string. */
static Node *string_piece(Parser *p, const char *s, int n, int line, int col)
{
    char *out = arena_alloc((size_t)n + 1);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            out[k++] = s[i];
            continue;
        }
        char e = s[++i];
        switch (e) {
        case 'n': out[k++] = '\n'; break;
        case 't': out[k++] = '\t'; break;
        case 'r': out[k++] = '\r'; break;
        case '0': out[k++] = '\0'; break;
        case '\\': out[k++] = '\\'; break;
        case '"': out[k++] = '"'; break;
        case '\'': out[k++] = '\''; break;
        case '$': out[k++] = '$'; break;
        case '{': out[k++] = '{'; break;
        case '}': out[k++] = '}'; break;
        case 'x':
            if (i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                i += 2;
                break;
            }
            /* fall through */
        default:
            diag_error(p->file, line, col, "unknown escape sequence '\\%c'", e);
            out[k++] = e;
        }
    }
    out[k] = 0;
    Node *nd = node_new(N_STR, p->file, line, col);
    nd->sval = out;
    nd->slen = k;
    return nd;
}

static Node *parse_sub_expression(Parser *p, const char *s, int n, int line, int col);

/* Where the format spec of "${value:spec}" starts: the offset of the first
 * ':' of the interpolation text that is outside brackets and strings, does
 * not start a path 'Name::name', and does not close a 'c ? a : b' (each '?'
 * not followed by '.' waits for one ':').  -1: no spec. */
static int interp_spec_colon(const char *s, int n)
{
    int depth = 0, in_str = 0, pending = 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        } else if (c == '"') in_str = 1;
        else if (c == '(' || c == '[' || c == '{') depth++;
        else if (c == ')' || c == ']' || c == '}') depth--;
        else if (depth > 0) continue;
        else if (c == '?' && !(i + 1 < n && s[i + 1] == '.')) pending++;
        else if (c == ':' && i + 2 < n && s[i + 1] == ':' && (isalpha((unsigned char)s[i + 2]) || s[i + 2] == '_'))
            i++; /* Module::name */
        else if (c == ':' && pending > 0) pending--;
        else if (c == ':') return i;
    }
    return -1;
}

/* "text ${expr} more": splits the body into pieces and sub-expressions. */
static Node *parse_string(Parser *p, Token *t)
{
    if (t->kind == T_RAWSTRING) {
        Node *nd = mk(p, N_STR, t);
        nd->sval = arena_strndup(t->body, (size_t)t->body_len);
        nd->slen = t->body_len;
        return nd;
    }
    const char *s = t->body;
    int n = t->body_len;
    if (!memmem(s, (size_t)n, "${", 2))
        return string_piece(p, s, n, t->line, t->col);
    Node *interp = mk(p, N_INTERP, t);
    int start = 0, col = t->body_col;
    int i = 0;
    while (i < n) {
        if (s[i] == '\\' && i + 1 < n) {
            i += 2;
            continue;
        }
        if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
            if (i > start)
                vec_push(&interp->list, string_piece(p, s + start, i - start, t->line, t->col));
            /* find the matching '}' (the lexer checked that it exists) */
            int j = i + 2, braces = 1, in_str = 0;
            while (j < n) {
                char c = s[j];
                if (in_str) {
                    if (c == '\\') j++;
                    else if (c == '"') in_str = 0;
                } else if (c == '"') in_str = 1;
                else if (c == '{') braces++;
                else if (c == '}' && --braces == 0) break;
                j++;
            }
            int ecol = col + i + 2;
            int colon = interp_spec_colon(s + i + 2, j - (i + 2));
            int elen = colon >= 0 ? colon : j - (i + 2);
            Node *e = parse_sub_expression(p, s + i + 2, elen, t->body_line, ecol);
            if (colon >= 0) { /* ${value:spec} */
                int at = i + 2 + colon + 1;
                Node *f = node_new(N_FORMAT, p->file, t->body_line, col + at);
                f->a = e;
                f->b = string_piece(p, s + at, j - at, t->body_line, col + at);
                f->b->col = col + at;
                e = f;
            }
            vec_push(&interp->list, e);
            i = j + 1;
            start = i;
            continue;
        }
        i++;
    }
    if (start < n)
        vec_push(&interp->list, string_piece(p, s + start, n - start, t->line, t->col));
    return interp;
}

static Node *parse_sub_expression(Parser *p, const char *s, int n, int line, int col)
{
    TokenList toks = lex_all(p->file, s, n, line, col);
    Parser sub = { .file = p->file, .toks = toks.items, .ntoks = toks.len };
    skip_newlines(&sub);
    Node *e;
    if (kind(&sub) == T_EOF) {
        diag_error(p->file, line, col, "empty interpolation");
        e = node_new(N_STR, p->file, line, col);
    } else {
        e = parse_expr(&sub);
        skip_newlines(&sub);
        if (kind(&sub) != T_EOF)
            error_at(&sub, peek(&sub), "unexpected %s in interpolation", tok_name(kind(&sub)));
    }
    free(toks.items);
    return e;
}

/* ---------------------------------------------------------------- types */

static Node *parse_type_args(Parser *p, NodeList *out)
{
    /* after '<' */
    do {
        skip_newlines(p);
        vec_push(out, parse_type(p));
    } while (accept(p, T_COMMA));
    Token *t = peek(p);
    if (t->kind == T_SHR) { /* '>>' closes two lists: split it */
        t->kind = T_GT;
        t->col++;
        t->start++;
        t->len = 1;
    } else {
        expect(p, T_GT, "to close the type arguments");
    }
    return NULL;
}

static Node *parse_type_inner(Parser *p);

static Node *parse_type(Parser *p)
{
    if (++type_nesting > MAX_TYPE_NESTING) {
        Token *t = peek(p);
        bail_out(p, t, "type nested too deeply (more than 100 levels)");
        type_nesting--;
        Node *ty = mk(p, N_TYPE_NAME, t);
        ty->name = "_error_";
        return ty;
    }
    Node *ty = parse_type_inner(p);
    type_nesting--;
    return ty;
}

static Node *parse_type_inner(Parser *p)
{
    Token *t = peek(p);
    Node *ty;
    if (accept(p, T_LBRACKET)) {
        ty = mk(p, N_TYPE_ARRAY, t);
        ty->a = parse_type(p);
        expect(p, T_RBRACKET, "to close the array type");
    } else if (accept(p, T_LBRACE)) {
        ty = mk(p, N_TYPE_MAP, t);
        ty->a = parse_type(p);
        expect(p, T_COLON, "in map type");
        ty->b = parse_type(p);
        expect(p, T_RBRACE, "to close the map type");
    } else if (accept(p, T_LPAREN)) {
        ty = mk(p, N_TYPE_TUPLE, t);
        if (kind(p) != T_RPAREN) {
            do
                vec_push(&ty->list, parse_type(p));
            while (accept(p, T_COMMA));
        }
        expect(p, T_RPAREN, "to close the tuple type");
        if (ty->list.len == 1)
            ty = ty->list.items[0];
    } else if (accept(p, T_FN)) {
        ty = mk(p, N_TYPE_FN, t);
        expect(p, T_LPAREN, "after fn in a function type");
        if (kind(p) != T_RPAREN) {
            do {
                /* allow named parameters in function types: fn(x: int) */
                if (kind(p) == T_IDENT && peek_at(p, 1)->kind == T_COLON) {
                    next(p);
                    next(p);
                }
                vec_push(&ty->list, parse_type(p));
            } while (accept(p, T_COMMA));
        }
        expect(p, T_RPAREN, "to close the parameter types");
        if (accept(p, T_ARROW))
            ty->a = parse_type(p);
    } else if (t->kind == T_IDENT || t->kind == T_SELF) {
        next(p);
        ty = mk(p, N_TYPE_NAME, t);
        ty->name = tok_text(t);
        if (kind(p) == T_DOT && peek_at(p, 1)->kind == T_IDENT) {
            next(p);
            ty->sval = (char *)ty->name;
            ty->name = tok_text(next(p));
        }
        if (accept(p, T_LT))
            parse_type_args(p, &ty->list);
    } else {
        error_at(p, t, "expected a type, found %s", tok_name(t->kind));
        ty = mk(p, N_TYPE_NAME, t);
        ty->name = "_error_";
        if (t->kind != T_NEWLINE && t->kind != T_EOF && t->kind != T_RBRACE)
            next(p);
        return ty;
    }
    while (kind(p) == T_QUESTION) {
        Token *q = next(p);
        Node *o = mk(p, N_TYPE_OPT, q);
        o->a = ty;
        ty = o;
    }
    return ty;
}

/* ---------------------------------------------------------- expressions */

/* Binary operator precedence (higher binds tighter); 0 = not binary. */
enum { P_TERNARY = 1, P_OR, P_AND, P_PIPE, P_CMP, P_SHIFT, P_ADD, P_BIT, P_MUL, P_PREFIX };

static int binary_prec(Parser *p)
{
    switch (kind(p)) {
    case T_OR: case T_OROR: return P_OR;
    case T_AND: case T_ANDAND: return P_AND;
    case T_PIPEGT: return P_PIPE;
    case T_EQ: case T_NE: case T_LT: case T_LE: case T_GT: case T_GE: case T_IN:
        return P_CMP;
    case T_NOT:
        return peek_at(p, 1)->kind == T_IN ? P_CMP : 0;
    case T_SHL: case T_SHR: return P_SHIFT;
    case T_PLUS: case T_MINUS: return P_ADD;
    case T_AMP: case T_PIPE: case T_CARET: return P_BIT;
    case T_STAR: case T_SLASH: case T_PERCENT: return P_MUL;
    default: return 0;
    }
}

/* Is the '(' at the current position the start of a lambda "(...) =>"? */
static int lambda_ahead(Parser *p)
{
    int depth = 0;
    for (int i = p->pos; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (k == T_LPAREN) depth++;
        else if (k == T_RPAREN && --depth == 0)
            return i + 1 < p->ntoks && p->toks[i + 1].kind == T_FATARROW;
        else if (k == T_EOF) return 0;
    }
    return 0;
}

/* Does a '?' at the current position start a ternary (a ':' follows at
 * the same nesting level before the statement ends)? */
static int ternary_ahead(Parser *p)
{
    int depth = 0;
    for (int i = p->pos + 1; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (k == T_LPAREN || k == T_LBRACKET || k == T_LBRACE) depth++;
        else if (k == T_RPAREN || k == T_RBRACKET || k == T_RBRACE) {
            if (--depth < 0) return 0;
        } else if (depth == 0 && (k == T_NEWLINE || k == T_SEMI || k == T_COMMA || k == T_EOF))
            return 0;
        else if (depth == 0 && k == T_COLON)
            return 1;
    }
    return 0;
}

static Node *parse_param(Parser *p, int allow_untyped)
{
    Token *t = peek(p);
    Node *prm = mk(p, N_PARAM, t);
    if (accept(p, T_SELF)) {
        prm->name = "self";
        return prm;
    }
    prm->name = expect_name(p, "parameter name");
    if (accept(p, T_COLON))
        prm->c = parse_type(p);
    else if (!allow_untyped && kind(p) != T_ASSIGN) /* a default may give the type */
        error_at(p, peek(p), "parameter '%s' needs a type", prm->name);
    if (accept(p, T_ASSIGN))
        prm->a = parse_expr(p);
    return prm;
}

static void parse_params(Parser *p, NodeList *out, int allow_untyped)
{
    expect(p, T_LPAREN, "to start the parameters");
    skip_newlines(p);
    if (kind(p) != T_RPAREN) {
        do {
            skip_newlines(p);
            if (kind(p) == T_RPAREN)
                break;
            vec_push(out, parse_param(p, allow_untyped));
        } while (accept(p, T_COMMA));
    }
    skip_newlines(p);
    expect(p, T_RPAREN, "to close the parameters");
}

/* Every parameter list (functions and all lambda forms) names each
 * parameter once: the C it becomes could not declare it twice. */
static void check_param_names(Parser *p, NodeList *params)
{
    for (int i = 0; i < params->len; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(params->items[i]->name, params->items[k]->name) && !bailing) {
                Node *dup = params->items[i];
                diag_error(p->file, dup->line, dup->col, "parameter '%s' is declared twice", dup->name);
                break;
            }
}

static Node *lambda_body(Parser *p, Node *lam)
{
    check_param_names(p, &lam->list);
    if (kind(p) == T_LBRACE)
        lam->a = parse_block(p);
    else
        lam->a = parse_expr(p);
    return lam;
}

static void parse_call_args(Parser *p, Node *call)
{
    skip_newlines(p);
    if (kind(p) != T_RPAREN) {
        do {
            skip_newlines(p);
            if (kind(p) == T_RPAREN)
                break;
            if (kind(p) == T_IDENT && peek_at(p, 1)->kind == T_COLON) {
                Token *t = next(p);
                next(p);
                Node *na = mk(p, N_NAMED, t);
                na->name = tok_text(t);
                na->a = parse_expr(p);
                vec_push(&call->list2, na);
            } else {
                vec_push(&call->list, parse_expr(p));
            }
            skip_newlines(p);
        } while (accept(p, T_COMMA));
    }
    expect(p, T_RPAREN, "to close the call");
}

/* `Name {` starts a struct literal when the name is capitalised and the
 * brace holds `}` or `field:` (so `if x == Y { ... }` stays a block). */
static int struct_lit_ahead(Parser *p)
{
    Token *t = peek(p);
    if (t->kind != T_IDENT || !(t->start[0] >= 'A' && t->start[0] <= 'Z'))
        return 0;
    int i = p->pos + 1;
    if (p->toks[i].kind == T_LT) { /* Name<T> { ... } */
        int depth = 0;
        for (; i < p->ntoks; i++) {
            TokKind k = p->toks[i].kind;
            if (k == T_LT) depth++;
            else if (k == T_GT && --depth == 0) { i++; break; }
            else if (k == T_SHR && (depth -= 2) <= 0) { i++; break; }
            else if (k != T_IDENT && k != T_COMMA && k != T_LBRACKET && k != T_RBRACKET &&
                     k != T_QUESTION && k != T_COLON && k != T_LBRACE && k != T_RBRACE)
                return 0;
        }
    }
    if (p->toks[i].kind != T_LBRACE)
        return 0;
    i++;
    while (p->toks[i].kind == T_NEWLINE)
        i++;
    if (p->toks[i].kind == T_RBRACE)
        return !p->no_struct_lit;
    return p->toks[i].kind == T_IDENT && p->toks[i + 1].kind == T_COLON;
}

static Node *parse_struct_lit(Parser *p)
{
    Token *t = next(p);
    Node *lit = mk(p, N_STRUCT_LIT, t);
    lit->name = tok_text(t);
    if (accept(p, T_LT))
        parse_type_args(p, &lit->list2);
    expect(p, T_LBRACE, NULL);
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
        Token *f = peek(p);
        Node *fld = mk(p, N_NAMED, f);
        fld->name = expect_name(p, "field name");
        expect(p, T_COLON, "after the field name");
        fld->a = parse_expr(p);
        vec_push(&lit->list, fld);
        skip_newlines(p);
        if (!accept(p, T_COMMA))
            break;
        skip_newlines(p);
    }
    skip_newlines(p);
    close_brace(p, "to close the struct literal");
    return lit;
}

/* The head of if/while/match: `Name {` there opens the body, never a
 * struct literal. */
static Node *parse_head_expr(Parser *p)
{
    int saved = p->no_struct_lit;
    p->no_struct_lit = 1;
    Node *e = parse_expr(p);
    p->no_struct_lit = saved;
    return e;
}

static Node *parse_if_expr(Parser *p, Token *t)
{
    Node *n = mk(p, N_IF_EXPR, t);
    n->a = parse_head_expr(p);
    n->b = parse_block(p);
    Token *e = peek(p);
    if (kind(p) == T_NEWLINE && (peek_at(p, 1)->kind == T_ELSE || tok_is(peek_at(p, 1), "elif")))
        next(p);
    if (tok_is(peek(p), "elif")) {
        error_at(p, peek(p), "'elif' is not Wyn: Wyn writes it as %s", "'else if'");
        n->c = parse_if_expr(p, next(p));
    } else if (accept(p, T_ELSE)) {
        if (kind(p) == T_IF)
            n->c = parse_if_expr(p, next(p));
        else
            n->c = parse_block(p);
    } else {
        error_at(p, e, "an if used as a value needs an else branch%s", "");
    }
    return n;
}

static Node *parse_match(Parser *p, Token *t)
{
    Node *m = mk(p, N_MATCH, t);
    m->a = parse_head_expr(p);
    expect(p, T_LBRACE, "to start the match arms");
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
        int start = p->pos;
        Token *at = peek(p);
        Node *arm = mk(p, N_ARM, at);
        arm->a = parse_pattern(p);
        if (accept(p, T_IF))
            arm->b = parse_expr(p);
        expect(p, T_FATARROW, "after the match pattern");
        skip_newlines(p);
        if (kind(p) == T_LBRACE)
            arm->c = parse_block(p);
        else if (kind(p) == T_RETURN || kind(p) == T_BREAK || kind(p) == T_CONTINUE)
            arm->c = parse_stmt(p);
        else
            arm->c = parse_expr(p);
        vec_push(&m->list, arm);
        accept(p, T_COMMA);
        skip_newlines(p);
        if (p->pos == start)
            next(p);
        if (diag_error_count() > 20)
            break;
    }
    close_brace(p, "to close the match");
    return m;
}

/* `None()`, the spelling of older Wyn programs, is `none`. */
static void skip_old_none_parens(Parser *p)
{
    if (kind(p) == T_LPAREN && peek_at(p, 1)->kind == T_RPAREN) {
        next(p);
        next(p);
    }
}

static Node *parse_primary(Parser *p)
{
    Token *t = peek(p);
    Node *n;
    switch (t->kind) {
    case T_INT:
        next(p);
        n = mk(p, N_INT, t);
        n->ival = t->ival;
        if (t->len < 0) /* 9223372036854775808: valid only after '-' */
            n->flags |= NF_NEEDS_MINUS;
        return n;
    case T_FLOAT:
        next(p);
        n = mk(p, N_FLOAT, t);
        n->fval = t->fval;
        return n;
    case T_TRUE: case T_FALSE:
        next(p);
        n = mk(p, N_BOOL, t);
        n->ival = t->kind == T_TRUE;
        return n;
    case T_STRING: case T_RAWSTRING:
        next(p);
        return parse_string(p, t);
    case T_NONE:
        next(p);
        skip_old_none_parens(p);
        return mk(p, N_NONE, t);
    case T_SELF:
        next(p);
        n = mk(p, N_IDENT, t);
        n->name = "self";
        return n;
    case T_SOME:
        next(p);
        n = mk(p, N_SOME, t);
        expect(p, T_LPAREN, "after Some");
        n->a = parse_expr(p);
        expect(p, T_RPAREN, "to close Some(...)");
        return n;
    case T_IDENT:
        if (struct_lit_ahead(p))
            return parse_struct_lit(p);
        next(p);
        if (kind(p) == T_COLONCOLON) { /* Shape::Dot, Math::sqrt: Name.member */
            Token *c = next(p);
            Node *id = mk(p, N_IDENT, t);
            id->name = tok_text(t);
            n = mk(p, N_MEMBER, c);
            n->a = id;
            n->name = expect_name(p, "after '::'");
            n->flags |= NF_PATH;
            return n;
        }
        n = mk(p, N_IDENT, t);
        n->name = tok_text(t);
        return n;
    case T_LPAREN:
        if (lambda_ahead(p)) {
            n = mk(p, N_LAMBDA, t);
            parse_params(p, &n->list, 1);
            expect(p, T_FATARROW, NULL);
            return lambda_body(p, n);
        }
        next(p);
        skip_newlines(p);
        n = parse_expr(p);
        skip_newlines(p);
        if (kind(p) == T_COMMA) {
            Node *tup = mk(p, N_TUPLE, t);
            vec_push(&tup->list, n);
            while (accept(p, T_COMMA)) {
                skip_newlines(p);
                if (kind(p) == T_RPAREN)
                    break;
                vec_push(&tup->list, parse_expr(p));
            }
            n = tup;
        } else {
            n->flags |= NF_PAREN;
        }
        expect(p, T_RPAREN, "to close the parenthesis");
        return n;
    case T_PIPE: case T_OROR:
        next(p);
        n = mk(p, N_LAMBDA, t);
        if (t->kind == T_PIPE) {
            while (kind(p) != T_PIPE && kind(p) != T_EOF) {
                vec_push(&n->list, parse_param(p, 1));
                if (!accept(p, T_COMMA))
                    break;
            }
            expect(p, T_PIPE, "to close the lambda parameters");
        }
        return lambda_body(p, n);
    case T_FN:
        next(p);
        n = mk(p, N_LAMBDA, t);
        parse_params(p, &n->list, 1);
        check_param_names(p, &n->list);
        if (accept(p, T_ARROW))
            n->c = parse_type(p);
        if (accept(p, T_FATARROW))
            n->a = parse_expr(p);
        else
            n->a = parse_block(p);
        return n;
    case T_LBRACKET: {
        next(p);
        skip_newlines(p);
        n = mk(p, N_ARRAY, t);
        if (kind(p) == T_RBRACKET) {
            next(p);
            return n;
        }
        Node *first = parse_expr(p);
        skip_newlines(p);
        if (kind(p) == T_FOR) {
            next(p);
            Node *c = mk(p, N_COMPREHENSION, t);
            c->a = first;
            Token *vt = peek(p);
            Node *var = mk(p, N_IDENT, vt);
            var->name = expect_name(p, "loop variable");
            c->b = var;
            if (accept(p, T_COMMA)) {
                Node *tv = mk(p, N_TUPLE, vt);
                vec_push(&tv->list, var);
                Node *v2 = mk(p, N_IDENT, peek(p));
                v2->name = expect_name(p, "loop variable");
                vec_push(&tv->list, v2);
                c->b = tv;
            }
            expect(p, T_IN, "in a comprehension");
            c->c = parse_prec(p, P_OR);
            if (kind(p) == T_DOTDOT || kind(p) == T_DOTDOTEQ) {
                Token *r = next(p);
                Node *rg = mk(p, N_RANGE, r);
                rg->a = c->c;
                rg->b = parse_prec(p, P_OR);
                rg->ival = r->kind == T_DOTDOTEQ;
                c->c = rg;
            }
            if (accept(p, T_IF))
                c->d = parse_expr(p);
            skip_newlines(p);
            expect(p, T_RBRACKET, "to close the comprehension");
            return c;
        }
        vec_push(&n->list, first);
        while (accept(p, T_COMMA)) {
            skip_newlines(p);
            if (kind(p) == T_RBRACKET)
                break;
            vec_push(&n->list, parse_expr(p));
            skip_newlines(p);
        }
        skip_newlines(p);
        expect(p, T_RBRACKET, "to close the array");
        return n;
    }
    case T_LBRACE:
        next(p);
        n = mk(p, N_MAP, t);
        skip_newlines(p);
        while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
            vec_push(&n->list, parse_expr(p));
            expect(p, T_COLON, "between map key and value");
            skip_newlines(p);
            vec_push(&n->list2, parse_expr(p));
            skip_newlines(p);
            if (!accept(p, T_COMMA))
                break;
            skip_newlines(p);
        }
        close_brace(p, "to close the map");
        return n;
    case T_IF:
        next(p);
        return parse_if_expr(p, t);
    case T_MATCH:
        next(p);
        return parse_match(p, t);
    default:
        error_at(p, t, "expected an expression, found %s", tok_name(t->kind));
        if (t->kind != T_NEWLINE && t->kind != T_EOF && t->kind != T_RBRACE &&
            t->kind != T_RPAREN && t->kind != T_RBRACKET)
            next(p);
        n = mk(p, N_INT, t);
        return n;
    }
}

static Node *parse_postfix(Parser *p, Node *n)
{
    for (;;) {
        Token *t = peek(p);
        if (t->kind == T_LPAREN) {
            next(p);
            Node *call = mk(p, N_CALL, t);
            call->line = n->line;
            call->col = n->col;
            call->a = n;
            parse_call_args(p, call);
            n = call;
        } else if (t->kind == T_LBRACKET) {
            next(p);
            skip_newlines(p);
            Node *lo = NULL;
            if (kind(p) != T_COLON)
                lo = parse_expr(p);
            if (accept(p, T_COLON)) {
                Node *s = mk(p, N_SLICE, t);
                s->a = n;
                s->b = lo;
                if (kind(p) != T_RBRACKET)
                    s->c = parse_expr(p);
                n = s;
            } else {
                Node *ix = mk(p, N_INDEX, t);
                ix->a = n;
                ix->b = lo;
                n = ix;
            }
            skip_newlines(p);
            expect(p, T_RBRACKET, "to close the index");
        } else if (t->kind == T_DOT || t->kind == T_QDOT) {
            next(p);
            Token *nt = peek(p);
            Node *m = mk(p, N_MEMBER, nt);
            m->a = n;
            if (nt->kind == T_INT) { /* tuple field t.0 */
                next(p);
                m->name = arena_printf("%lld", (long long)nt->ival);
            } else if (nt->kind == T_FLOAT) { /* t.0.1 lexes as a float */
                error_at(p, nt, "write nested tuple access with parentheses%s", "");
                next(p);
                m->name = "0";
            } else {
                m->name = expect_name(p, "after '.'");
            }
            if (t->kind == T_QDOT)
                m->flags |= NF_OPTCHAIN;
            n = m;
        } else if (t->kind == T_QUESTION && !ternary_ahead(p)) {
            next(p);
            Node *tr = mk(p, N_TRY, t);
            tr->a = n;
            n = tr;
        } else {
            return n;
        }
    }
}

static Node *parse_unary(Parser *p)
{
    Token *t = peek(p);
    if (++nesting > MAX_NESTING) {
        bail_out(p, t, "expression nested too deeply (more than 200 levels)");
        nesting--;
        return mk(p, N_INT, t);
    }
    Node *n;
    switch (t->kind) {
    case T_MINUS: case T_NOT: case T_TILDE: case T_BANG: {
        next(p);
        if (t->kind == T_BANG)
            error_at(p, t, "'!' is not Wyn: use 'not'%s", "");
        n = mk(p, N_UNARY, t);
        n->op = t->kind == T_BANG ? T_NOT : t->kind;
        n->a = parse_unary(p);
        /* fold -LITERAL so that -9223372036854775808 works */
        if (n->op == T_MINUS && n->a->kind == N_INT && !(n->a->flags & NF_PAREN)) {
            n->a->flags &= ~NF_NEEDS_MINUS;
            n->a->ival = (int64_t)(0 - (uint64_t)n->a->ival);
            n->a->line = n->line;
            n->a->col = n->col;
            n = n->a;
        } else if (n->op == T_MINUS && n->a->kind == N_FLOAT && !(n->a->flags & NF_PAREN)) {
            n->a->fval = -n->a->fval;
            n->a->line = n->line;
            n->a->col = n->col;
            n = n->a;
        }
        break;
    }
    case T_AWAIT:
        next(p);
        n = mk(p, N_AWAIT, t);
        n->a = parse_unary(p);
        break;
    case T_SPAWN:
        next(p);
        n = mk(p, N_SPAWN, t);
        n->a = parse_postfix(p, parse_primary(p));
        if (n->a->kind != N_CALL)
            error_at(p, t, "spawn needs a call, like 'spawn f(x)'%s", "");
        break;
    default:
        n = parse_postfix(p, parse_primary(p));
        if (n->kind == N_INT && (n->flags & NF_NEEDS_MINUS) && !(kind(p) == T_INT)) {
            /* checked by the caller when this is the operand of '-' */
        }
    }
    nesting--;
    return n;
}

static int is_comparison(const Node *n)
{
    return n->kind == N_BINARY && !(n->flags & NF_PAREN) &&
           (n->op == T_EQ || n->op == T_NE || n->op == T_LT || n->op == T_LE ||
            n->op == T_GT || n->op == T_GE || n->op == T_IN || n->op == T_NOT);
}

/* `x |> f` is f(x) and `x |> f(a, b)` is f(x, a, b) (SPEC §5). */
static Node *pipe_call(Parser *p, Node *value, Node *target)
{
    Node *call = target;
    if (target->kind != N_CALL || (target->flags & NF_PAREN)) {
        call = node_new(N_CALL, p->file, target->line, target->col);
        call->a = target;
    }
    vec_push(&call->list, NULL);
    memmove(call->list.items + 1, call->list.items, sizeof(Node *) * (size_t)(call->list.len - 1));
    call->list.items[0] = value;
    call->flags |= NF_PIPE;
    return call;
}

static Node *parse_prec(Parser *p, int min_prec)
{
    Node *left = parse_unary(p);
    int chain = 0;
    for (;;) {
        if (++chain > MAX_CHAIN) {
            error_at(p, peek(p), "expression nested too deeply (more than %s operators in a row)", "1000");
            while (kind(p) != T_NEWLINE && kind(p) != T_EOF && kind(p) != T_RBRACE)
                next(p);
            return left;
        }
        int prec = binary_prec(p);
        if (kind(p) == T_QUESTION && min_prec <= P_TERNARY) {
            Token *t = next(p);
            Node *tern = mk(p, N_TERNARY, t);
            tern->a = left;
            skip_newlines(p);
            tern->b = parse_prec(p, P_OR);
            skip_newlines(p);
            expect(p, T_COLON, "in the conditional expression");
            skip_newlines(p);
            tern->c = parse_prec(p, P_TERNARY);
            left = tern;
            continue;
        }
        if (prec == 0 || prec < min_prec)
            return left;
        Token *t = next(p);
        int op = t->kind;
        if (op == T_ANDAND) {
            error_at(p, t, "'&&' is not Wyn: use 'and'%s", "");
            op = T_AND;
        } else if (op == T_OROR) {
            error_at(p, t, "'||' is not Wyn: use 'or'%s", "");
            op = T_OR;
        } else if (op == T_NOT) {
            next(p); /* 'not in' */
        }
        skip_newlines(p);
        Node *right = parse_prec(p, prec + 1);
        if (op == T_PIPEGT) {
            left = pipe_call(p, left, right);
            continue;
        }
        Node *bin = mk(p, N_BINARY, t);
        bin->op = op;
        bin->a = left;
        bin->b = right;
        if (prec == P_CMP && (is_comparison(left) || is_comparison(right)))
            error_at(p, t, "comparisons cannot be chained: write 'a < b and b < c'%s", "");
        left = bin;
    }
}

static Node *parse_expr(Parser *p) { return parse_prec(p, P_TERNARY); }

/* ------------------------------------------------------------- patterns */

static Node *parse_pattern_lit(Parser *p)
{
    Token *t = peek(p);
    Node *lit = parse_unary(p);
    Node *pat = mk(p, N_PAT_LIT, t);
    pat->a = lit;
    if (kind(p) == T_DOTDOT || kind(p) == T_DOTDOTEQ) {
        Token *r = next(p);
        Node *rg = mk(p, N_PAT_RANGE, t);
        rg->a = lit;
        rg->b = parse_unary(p);
        rg->ival = r->kind == T_DOTDOTEQ;
        return rg;
    }
    return pat;
}

static void parse_subpatterns(Parser *p, Node *pat)
{
    if (!accept(p, T_LPAREN))
        return;
    if (kind(p) != T_RPAREN) {
        do
            vec_push(&pat->list, parse_pattern(p));
        while (accept(p, T_COMMA));
    }
    expect(p, T_RPAREN, "to close the pattern");
}

static Node *parse_single_pattern(Parser *p)
{
    Token *t = peek(p);
    Node *pat;
    switch (t->kind) {
    case T_INT: case T_FLOAT: case T_STRING: case T_TRUE: case T_FALSE: case T_MINUS:
        return parse_pattern_lit(p);
    case T_NONE:
        next(p);
        skip_old_none_parens(p);
        return mk(p, N_PAT_NONE, t);
    case T_SOME:
        next(p);
        pat = mk(p, N_PAT_VARIANT, t);
        pat->name = "Some";
        parse_subpatterns(p, pat);
        return pat;
    case T_IDENT: {
        next(p);
        const char *name = tok_text(t);
        if (strcmp(name, "_") == 0)
            return mk(p, N_PAT_WILD, t);
        if ((kind(p) == T_DOT || kind(p) == T_COLONCOLON) && peek_at(p, 1)->kind == T_IDENT) {
            next(p);
            pat = mk(p, N_PAT_VARIANT, t);
            pat->sval = (char *)name;
            pat->name = tok_text(next(p));
            parse_subpatterns(p, pat);
            return pat;
        }
        if (kind(p) == T_LPAREN) {
            pat = mk(p, N_PAT_VARIANT, t);
            pat->name = name;
            parse_subpatterns(p, pat);
            return pat;
        }
        if (kind(p) == T_LBRACE) {
            next(p);
            pat = mk(p, N_PAT_STRUCT, t);
            pat->name = name;
            skip_newlines(p);
            while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
                Token *ft = peek(p);
                Node *f = mk(p, N_PAT_FIELD, ft);
                f->name = expect_name(p, "field name");
                if (accept(p, T_COLON))
                    f->a = parse_pattern(p);
                vec_push(&pat->list, f);
                skip_newlines(p);
                if (!accept(p, T_COMMA))
                    break;
                skip_newlines(p);
            }
            close_brace(p, "to close the struct pattern");
            return pat;
        }
        pat = mk(p, N_PAT_BIND, t);
        pat->name = name;
        return pat;
    }
    default:
        error_at(p, t, "expected a pattern, found %s", tok_name(t->kind));
        if (t->kind != T_FATARROW && t->kind != T_NEWLINE)
            next(p);
        return mk(p, N_PAT_WILD, t);
    }
}

static Node *parse_pattern(Parser *p)
{
    Node *first = parse_single_pattern(p);
    if (kind(p) != T_PIPE)
        return first;
    Node *alt = node_new(N_PAT_OR, p->file, first->line, first->col);
    vec_push(&alt->list, first);
    while (accept(p, T_PIPE))
        vec_push(&alt->list, parse_single_pattern(p));
    return alt;
}

/* ----------------------------------------------------------- statements */

/* Skips to the end of the current statement after a syntax error. */
static void synchronize(Parser *p)
{
    int depth = 0;
    while (kind(p) != T_EOF) {
        TokKind k = kind(p);
        if (k == T_LBRACE) depth++;
        if (k == T_RBRACE) {
            if (depth == 0) return;
            depth--;
        }
        if (depth == 0 && (k == T_NEWLINE || k == T_SEMI)) {
            next(p);
            return;
        }
        next(p);
    }
}

/* Where a statement may end: a newline, ';', the '}' of the enclosing
 * block, the end of the file, or right after a '}' that closed the
 * statement (`if x > 0 { return Some(x) } return none`). */
static int at_statement_end(Parser *p)
{
    TokKind k = kind(p);
    return k == T_NEWLINE || k == T_SEMI || k == T_RBRACE || k == T_EOF ||
           (p->pos > 0 && p->toks[p->pos - 1].kind == T_RBRACE);
}

/* `{ stmts }`, or a single statement on the next line (after if/for/while). */
static Node *parse_block_inner(Parser *p);

static Node *parse_block(Parser *p)
{
    if (++block_nesting > MAX_BLOCK_NESTING) {
        Token *t = peek(p);
        bail_out(p, t, "blocks nested too deeply (more than 1000 levels)");
        block_nesting--;
        return mk(p, N_BLOCK, t);
    }
    Node *b = parse_block_inner(p);
    block_nesting--;
    return b;
}

static Node *parse_block_inner(Parser *p)
{
    Token *t = peek(p);
    Node *b = mk(p, N_BLOCK, t);
    if (!accept(p, T_LBRACE)) {
        if (kind(p) == T_NEWLINE) {
            skip_newlines(p);
            vec_push(&b->list, parse_stmt(p));
            return b;
        }
        expect(p, T_LBRACE, "to start a block");
        synchronize(p);
        return b;
    }
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
        int errs = diag_error_count();
        vec_push(&b->list, parse_stmt(p));
        if (diag_error_count() > errs)
            synchronize(p);
        else if (!at_statement_end(p)) {
            error_at(p, peek(p), "expected end of statement, found %s", tok_name(kind(p)));
            synchronize(p);
        }
        skip_newlines(p);
    }
    close_brace(p, "to close the block");
    return b;
}

static Node *parse_var(Parser *p, Token *t, int is_const)
{
    Node *v = mk(p, N_VAR, t);
    if (is_const)
        v->flags |= NF_CONST;
    do {
        Token *nt = peek(p);
        Node *id = mk(p, N_IDENT, nt);
        id->name = expect_name(p, "variable name");
        vec_push(&v->list, id);
    } while (accept(p, T_COMMA));
    if (accept(p, T_COLON))
        v->c = parse_type(p);
    if (accept(p, T_ASSIGN)) {
        skip_newlines(p);
        Node *init = parse_expr(p);
        if (kind(p) == T_COMMA) {
            Node *tup = node_new(N_TUPLE, p->file, init->line, init->col);
            vec_push(&tup->list, init);
            while (accept(p, T_COMMA))
                vec_push(&tup->list, parse_expr(p));
            init = tup;
            v->ival = 1; /* values listed, not a tuple to unpack */
        }
        v->a = init;
    } else if (!v->c) {
        error_at(p, peek(p), "variable needs a type or an initial value%s", "");
    }
    return v;
}

static Node *parse_if_stmt(Parser *p, Token *t)
{
    Node *n = mk(p, N_IF, t);
    /* 'if let' is spelled with the identifier 'let' (not a keyword) */
    if (kind(p) == T_IDENT && peek(p)->len == 3 && memcmp(peek(p)->start, "let", 3) == 0) {
        next(p);
        n->d = parse_pattern(p);
        expect(p, T_ASSIGN, "in 'if let'");
    }
    n->a = parse_head_expr(p);
    n->b = parse_block(p);
    int save = p->pos;
    skip_newlines(p);
    if (tok_is(peek(p), "elif")) {
        error_at(p, peek(p), "'elif' is not Wyn: Wyn writes it as %s", "'else if'");
        next(p);
        n->c = parse_if_stmt(p, t);
        return n;
    }
    if (accept(p, T_ELSE)) {
        if (kind(p) == T_IF)
            n->c = parse_if_stmt(p, next(p));
        else
            n->c = parse_block(p);
    } else {
        p->pos = save;
    }
    return n;
}

static Node *parse_for(Parser *p, Token *t)
{
    Node *n = mk(p, N_FOR, t);
    do {
        Token *vt = peek(p);
        Node *v = mk(p, N_IDENT, vt);
        v->name = expect_name(p, "loop variable");
        vec_push(&n->list, v);
    } while (accept(p, T_COMMA));
    expect(p, T_IN, "after the loop variables");
    int saved = p->no_struct_lit;
    p->no_struct_lit = 1;
    Node *it = parse_prec(p, P_OR);
    if (kind(p) == T_DOTDOT || kind(p) == T_DOTDOTEQ) {
        Token *r = next(p);
        Node *rg = mk(p, N_RANGE, r);
        rg->a = it;
        rg->b = parse_prec(p, P_OR);
        rg->ival = r->kind == T_DOTDOTEQ;
        it = rg;
    }
    p->no_struct_lit = saved;
    n->a = it;
    n->b = parse_block(p);
    return n;
}

static Node *parse_select(Parser *p, Token *t)
{
    Node *s = mk(p, N_SELECT, t);
    expect(p, T_LBRACE, "after select");
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF && diag_error_count() <= 20) {
        int start = p->pos;
        Token *at = peek(p);
        Node *arm = mk(p, N_SEL_ARM, at);
        if (at->kind == T_IDENT && at->len == 7 && memcmp(at->start, "default", 7) == 0 &&
            peek_at(p, 1)->kind == T_FATARROW) {
            next(p);
            arm->ival = 2;
        } else if (at->kind == T_IDENT && at->len == 7 && memcmp(at->start, "timeout", 7) == 0 &&
                   peek_at(p, 1)->kind == T_LPAREN) {
            next(p);
            next(p);
            arm->ival = 1;
            arm->a = parse_expr(p);
            expect(p, T_RPAREN, NULL);
        } else {
            if (at->kind == T_IDENT && peek_at(p, 1)->kind == T_ASSIGN) {
                arm->name = tok_text(next(p));
                next(p);
            }
            arm->a = parse_expr(p); /* ch.recv() */
        }
        expect(p, T_FATARROW, "in the select arm");
        skip_newlines(p);
        if (kind(p) == T_LBRACE)
            arm->b = parse_block(p);
        else
            arm->b = parse_stmt(p);
        vec_push(&s->list, arm);
        accept(p, T_COMMA);
        skip_newlines(p);
        if (p->pos == start)
            next(p); /* no progress after an error: skip the token */
    }
    close_brace(p, "to close the select");
    return s;
}

static Node *parse_fn(Parser *p, Token *t, int flags);

static Node *parse_simple_stmt(Parser *p)
{
    Token *t = peek(p);
    Node *e = parse_expr(p);
    if (kind(p) == T_COMMA) { /* a, b = 1, 2 */
        Node *as = mk(p, N_ASSIGN, t);
        as->op = T_ASSIGN;
        vec_push(&as->list, e);
        while (accept(p, T_COMMA))
            vec_push(&as->list, parse_prec(p, P_OR));
        expect(p, T_ASSIGN, "in the multiple assignment");
        Node *tup = mk(p, N_TUPLE, peek(p));
        do
            vec_push(&tup->list, parse_expr(p));
        while (accept(p, T_COMMA));
        as->b = tup;
        return as;
    }
    if (kind(p) == T_COLON && e->kind == N_IDENT) { /* n: int = 0 */
        next(p);
        Node *as = mk(p, N_ASSIGN, t);
        as->op = T_ASSIGN;
        as->a = e;
        as->c = parse_type(p);
        expect(p, T_ASSIGN, "after the type in a declaration");
        skip_newlines(p);
        as->b = parse_expr(p);
        return as;
    }
    switch (kind(p)) {
    case T_ASSIGN: case T_PLUSEQ: case T_MINUSEQ: case T_STAREQ: case T_SLASHEQ:
    case T_PERCENTEQ: {
        Token *op = next(p);
        Node *as = mk(p, N_ASSIGN, op);
        as->line = e->line;
        as->col = e->col;
        as->op = op->kind;
        as->a = e;
        skip_newlines(p);
        as->b = parse_expr(p);
        return as;
    }
    case T_PLUSPLUS: case T_MINUSMINUS: {
        Token *op = next(p);
        Node *n = mk(p, N_INCDEC, op);
        n->op = op->kind;
        n->a = e;
        return n;
    }
    default: {
        Node *s = node_new(N_EXPR_STMT, p->file, e->line, e->col);
        s->a = e;
        if (e->kind == N_SPAWN)
            e->flags |= NF_STMT_SPAWN;
        return s;
    }
    }
}

/* Statement keywords of other languages, with how Wyn writes them.  Each
 * applies when the word starts a statement and what follows fits (so a
 * variable named `func` still works). */
static const struct { const char *word; TokKind next; const char *wyn; } foreign_keywords[] = {
    {"let", T_IDENT, "'var x = ...' (or 'const x = ...')"},
    {"def", T_IDENT, "'fn name(a: int) -> int { ... }'"},
    {"func", T_IDENT, "'fn name(a: int) -> int { ... }'"},
    {"function", T_IDENT, "'fn name(a: int) -> int { ... }'"},
    {"elif", T_COUNT, "'else if'"},
    {"switch", T_COUNT, "'match x { pattern => ... }'"},
};

/* `word cond {`: the word heads a block on its line (as `elif x > 0 {`
 * does), rather than being a variable that is assigned or used. */
static int opens_block_on_line(Parser *p)
{
    switch (peek_at(p, 1)->kind) {
    case T_ASSIGN: case T_PLUSEQ: case T_MINUSEQ: case T_STAREQ: case T_SLASHEQ: case T_PERCENTEQ:
    case T_DOT: case T_LBRACKET: case T_PLUSPLUS: case T_MINUSMINUS: case T_COLON: case T_COMMA:
        return 0;
    default:
        break;
    }
    for (int i = p->pos + 1; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (k == T_LBRACE)
            return 1;
        if (k == T_NEWLINE || k == T_SEMI || k == T_EOF || k == T_RBRACE)
            return 0;
    }
    return 0;
}

/* Reports a statement that starts with another language's keyword; the
 * caller skips the statement.  Returns 1 when it did. */
static int foreign_statement(Parser *p)
{
    Token *t = peek(p);
    for (size_t i = 0; i < sizeof foreign_keywords / sizeof *foreign_keywords; i++) {
        if (!tok_is(t, foreign_keywords[i].word))
            continue;
        int fits = foreign_keywords[i].next == T_COUNT ? opens_block_on_line(p)
                                                       : peek_at(p, 1)->kind == foreign_keywords[i].next;
        if (!fits)
            continue;
        char msg[160];
        snprintf(msg, sizeof msg, "'%s' is not Wyn: Wyn writes it as %s", foreign_keywords[i].word,
                 foreign_keywords[i].wyn);
        error_at(p, t, "%s", msg);
        return 1;
    }
    return 0;
}

static Node *parse_stmt(Parser *p)
{
    Token *t = peek(p);
    Node *n;
    if (foreign_statement(p)) {
        synchronize(p);
        return mk(p, N_BLOCK, t);
    }
    switch (t->kind) {
    case T_VAR:
        next(p);
        return parse_var(p, t, 0);
    case T_CONST:
        next(p);
        return parse_var(p, t, 1);
    case T_IF:
        next(p);
        return parse_if_stmt(p, t);
    case T_WHILE: {
        next(p);
        n = mk(p, N_WHILE, t);
        n->a = parse_head_expr(p);
        n->b = parse_block(p);
        return n;
    }
    case T_FOR:
        next(p);
        return parse_for(p, t);
    case T_BREAK:
        next(p);
        return mk(p, N_BREAK, t);
    case T_CONTINUE:
        next(p);
        return mk(p, N_CONTINUE, t);
    case T_RETURN:
        next(p);
        n = mk(p, N_RETURN, t);
        if (kind(p) != T_NEWLINE && kind(p) != T_SEMI && kind(p) != T_RBRACE && kind(p) != T_EOF)
            n->a = parse_expr(p);
        return n;
    case T_DEFER:
        next(p);
        n = mk(p, N_DEFER, t);
        n->a = kind(p) == T_LBRACE ? parse_block(p) : parse_simple_stmt(p);
        return n;
    case T_PARALLEL:
        next(p);
        n = mk(p, N_PARALLEL, t);
        if (accept(p, T_LPAREN)) {
            Token *nt = peek(p);
            if (nt->kind == T_IDENT && nt->len == 7 && memcmp(nt->start, "timeout", 7) == 0) {
                next(p);
                expect(p, T_COLON, NULL);
            }
            n->a = parse_expr(p);
            expect(p, T_RPAREN, NULL);
        }
        n->b = parse_block(p);
        return n;
    case T_SELECT:
        next(p);
        return parse_select(p, t);
    case T_FN:
        if (peek_at(p, 1)->kind == T_IDENT) {
            next(p);
            return parse_fn(p, t, 0);
        }
        return parse_simple_stmt(p);
    case T_LBRACE:
        /* a bare block statement */
        return parse_block(p);
    default:
        return parse_simple_stmt(p);
    }
}

/* --------------------------------------------------------- declarations */

static Node *parse_fn(Parser *p, Token *t, int flags)
{
    Node *fn = mk(p, N_FN, t);
    fn->flags = flags;
    Token *nt = peek(p);
    fn->name = expect_name(p, "function name");
    fn->line = nt->line;
    fn->col = nt->col;
    if (accept(p, T_LT)) {
        do {
            Token *tt = peek(p);
            Node *tp = mk(p, N_IDENT, tt);
            tp->name = expect_name(p, "type parameter");
            vec_push(&fn->list2, tp);
        } while (accept(p, T_COMMA));
        expect(p, T_GT, "to close the type parameters");
    }
    parse_params(p, &fn->list, 0);
    check_param_names(p, &fn->list);
    for (int i = 0; i < fn->list.len; i++)
        if (strcmp(fn->list.items[i]->name, "self") == 0) {
            if (i != 0)
                error_at(p, t, "self must be the first parameter%s", "");
            fn->flags |= NF_METHOD;
        }
    if (accept(p, T_ARROW))
        fn->c = parse_type(p);
    if (accept(p, T_FATARROW)) {
        fn->flags |= NF_EXPR_BODY;
        skip_newlines(p);
        Node *e = parse_expr(p);
        Node *body = node_new(N_BLOCK, p->file, e->line, e->col);
        Node *r = node_new(fn->c ? N_RETURN : N_EXPR_STMT, p->file, e->line, e->col);
        r->a = e;
        vec_push(&body->list, r);
        fn->a = body;
    } else if (kind(p) == T_LBRACE) {
        fn->a = parse_block(p);
    } else if (!(flags & 0x1000)) {
        expect(p, T_LBRACE, "to start the function body");
    }
    return fn;
}

static void parse_members(Parser *p, Node *owner, NodeList *methods, int fields)
{
    expect(p, T_LBRACE, NULL);
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
        Token *t = peek(p);
        int flags = 0;
        if (accept(p, T_PUB))
            flags |= NF_PUB;
        if (accept(p, T_FN)) {
            Node *m = parse_fn(p, t, flags);
            vec_push(methods, m);
        } else if (fields) {
            Node *f = mk(p, N_PARAM, t);
            f->name = expect_name(p, "field name");
            expect(p, T_COLON, "after the field name");
            f->c = parse_type(p);
            vec_push(&owner->list, f);
        } else {
            error_at(p, t, "expected fn, found %s", tok_name(t->kind));
            synchronize(p);
        }
        accept(p, T_COMMA);
        skip_newlines(p);
        if (diag_error_count() > 20)
            break;
    }
    close_brace(p, NULL);
}

static void parse_type_params(Parser *p, Node *decl)
{
    if (!accept(p, T_LT))
        return;
    do {
        Token *tt = peek(p);
        Node *tp = mk(p, N_IDENT, tt);
        tp->name = expect_name(p, "type parameter");
        vec_push(&decl->list2, tp);
    } while (accept(p, T_COMMA));
    expect(p, T_GT, "to close the type parameters");
}

static Node *parse_enum(Parser *p, Token *t)
{
    Node *e = mk(p, N_ENUM, t);
    e->name = expect_name(p, "enum name");
    parse_type_params(p, e);
    expect(p, T_LBRACE, NULL);
    skip_newlines(p);
    while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
        Token *vt = peek(p);
        if (vt->kind == T_FN) { /* methods inside an enum */
            next(p);
            vec_push(&e->methods, parse_fn(p, vt, 0));
            skip_newlines(p);
            continue;
        }
        Node *v = mk(p, N_VARIANT, vt);
        v->name = expect_name(p, "variant name");
        if (accept(p, T_LPAREN)) {
            if (kind(p) != T_RPAREN) {
                do
                    vec_push(&v->list, parse_type(p));
                while (accept(p, T_COMMA));
            }
            expect(p, T_RPAREN, NULL);
        }
        vec_push(&e->list, v);
        accept(p, T_COMMA);
        skip_newlines(p);
        if (diag_error_count() > 20)
            break;
    }
    close_brace(p, "to close the enum");
    return e;
}

static Node *parse_extern(Parser *p, Token *t)
{
    Node *ex = mk(p, N_EXTERN, t);
    if (kind(p) == T_STRING) {
        Token *lib = next(p);
        ex->sval = arena_strndup(lib->body, (size_t)lib->body_len);
        expect(p, T_LBRACE, "to start the extern block");
        skip_newlines(p);
        while (kind(p) != T_RBRACE && kind(p) != T_EOF) {
            Token *ft = peek(p);
            if (!expect(p, T_FN, "in the extern block")) {
                synchronize(p);
                continue;
            }
            vec_push(&ex->list, parse_fn(p, ft, 0x1000));
            accept(p, T_COMMA);
            skip_newlines(p);
        }
        close_brace(p, "to close the extern block");
    } else {
        Token *ft = peek(p);
        if (expect(p, T_FN, "after extern"))
            vec_push(&ex->list, parse_fn(p, ft, 0x1000));
    }
    return ex;
}

static Node *parse_item(Parser *p)
{
    Token *t = peek(p);
    int flags = 0;
    if (accept(p, T_PUB))
        flags |= NF_PUB;
    Token *k = peek(p);
    Node *n;
    switch (k->kind) {
    case T_FN:
        if (peek_at(p, 1)->kind != T_IDENT)
            break;
        next(p);
        return parse_fn(p, k, flags);
    case T_STRUCT:
        next(p);
        n = mk(p, N_STRUCT, k);
        n->flags = flags;
        n->name = expect_name(p, "struct name");
        parse_type_params(p, n);
        parse_members(p, n, &n->methods, 1);
        return n;
    case T_ENUM:
        next(p);
        n = parse_enum(p, k);
        n->flags = flags;
        return n;
    case T_IMPL:
        next(p);
        n = mk(p, N_IMPL, k);
        n->name = expect_name(p, "type name");
        if (accept(p, T_LT)) { /* impl Box<T>: parameters come from the struct */
            NodeList ignored = {0};
            parse_type_args(p, (void *)&ignored);
        }
        parse_members(p, n, &n->list, 0);
        return n;
    case T_IMPORT:
        next(p);
        n = mk(p, N_IMPORT, k);
        n->name = expect_name(p, "module name");
        n->sval = (char *)n->name;
        if (accept(p, T_AS))
            n->sval = (char *)expect_name(p, "module alias");
        return n;
    case T_EXTERN:
        next(p);
        return parse_extern(p, k);
    case T_VAR: case T_CONST:
        n = parse_stmt(p);
        n->flags |= flags;
        return n;
    default:
        break;
    }
    if (flags)
        error_at(p, t, "pub must come before fn, struct, enum, var or const%s", "");
    return parse_stmt(p);
}

NodeList parse_file(int file)
{
    const SourceFile *sf = diag_file(file);
    const char *text = sf->text;
    int len = sf->len;
    /* a #! line is a comment (keep the newline so lines stay numbered) */
    if (len >= 2 && text[0] == '#' && text[1] == '!') {
        int i = 0;
        while (i < len && text[i] != '\n')
            i++;
        char *copy = arena_strndup(text, (size_t)len);
        memset(copy, ' ', (size_t)i);
        text = copy;
    }
    /* a file given after one that hit a nesting limit (wyn fmt a b)
     * starts afresh */
    bailing = 0;
    nesting = type_nesting = block_nesting = 0;
    TokenList toks = lex_all(file, text, len, 1, 1);
    Parser p = { .file = file, .toks = toks.items, .ntoks = toks.len };
    NodeList items = {0};
    skip_newlines(&p);
    while (kind(&p) != T_EOF) {
        int errs = diag_error_count();
        Node *item = parse_item(&p);
        vec_push(&items, item);
        if (diag_error_count() > errs) {
            synchronize(&p);
        } else if (!at_statement_end(&p) || kind(&p) == T_RBRACE) {
            error_at(&p, peek(&p), "expected end of statement, found %s", tok_name(kind(&p)));
            synchronize(&p);
        }
        if (kind(&p) == T_RBRACE) {
            error_at(&p, peek(&p), "unexpected '}'%s", "");
            next(&p);
        }
        skip_newlines(&p);
        if (diag_error_count() > 20)
            break;
    }
    free(toks.items); /* the tree points into the source text, not here */
    return items;
}
