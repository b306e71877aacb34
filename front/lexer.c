/* lexer.c — Wyn tokens and statement-ending newlines (see lexer.h). */
#include "lexer.h"
#include "common.h"
#include "diag.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *word; TokKind kind; } keywords[] = {
    {"and", T_AND}, {"as", T_AS}, {"await", T_AWAIT}, {"break", T_BREAK},
    {"const", T_CONST}, {"continue", T_CONTINUE}, {"defer", T_DEFER},
    {"else", T_ELSE}, {"enum", T_ENUM}, {"extern", T_EXTERN},
    {"false", T_FALSE}, {"fn", T_FN}, {"for", T_FOR}, {"if", T_IF},
    {"impl", T_IMPL}, {"import", T_IMPORT}, {"in", T_IN},
    {"match", T_MATCH}, {"none", T_NONE}, {"None", T_NONE}, {"not", T_NOT},
    {"or", T_OR}, {"parallel", T_PARALLEL}, {"pub", T_PUB},
    {"return", T_RETURN}, {"select", T_SELECT}, {"self", T_SELF},
    {"Some", T_SOME}, {"spawn", T_SPAWN}, {"struct", T_STRUCT},
    {"true", T_TRUE}, {"var", T_VAR}, {"while", T_WHILE},
};

static const char *const names[T_COUNT] = {
    [T_EOF] = "end of file", [T_NEWLINE] = "newline", [T_IDENT] = "name",
    [T_INT] = "integer", [T_FLOAT] = "float", [T_STRING] = "string",
    [T_RAWSTRING] = "string", [T_LPAREN] = "'('", [T_RPAREN] = "')'",
    [T_LBRACKET] = "'['", [T_RBRACKET] = "']'", [T_LBRACE] = "'{'",
    [T_RBRACE] = "'}'", [T_COMMA] = "','", [T_DOT] = "'.'", [T_COLON] = "':'",
    [T_SEMI] = "';'", [T_QUESTION] = "'?'", [T_QDOT] = "'?.'",
    [T_FATARROW] = "'=>'", [T_ARROW] = "'->'", [T_DOTDOT] = "'..'",
    [T_DOTDOTEQ] = "'..='", [T_ASSIGN] = "'='", [T_EQ] = "'=='",
    [T_NE] = "'!='", [T_LT] = "'<'", [T_LE] = "'<='", [T_GT] = "'>'",
    [T_GE] = "'>='", [T_PLUS] = "'+'", [T_MINUS] = "'-'", [T_STAR] = "'*'",
    [T_SLASH] = "'/'", [T_PERCENT] = "'%'", [T_AMP] = "'&'", [T_PIPE] = "'|'",
    [T_CARET] = "'^'", [T_TILDE] = "'~'", [T_SHL] = "'<<'", [T_SHR] = "'>>'",
    [T_PLUSEQ] = "'+='", [T_MINUSEQ] = "'-='", [T_STAREQ] = "'*='",
    [T_SLASHEQ] = "'/='", [T_PERCENTEQ] = "'%='", [T_PLUSPLUS] = "'++'",
    [T_MINUSMINUS] = "'--'", [T_COLONCOLON] = "'::'", [T_PIPEGT] = "'|>'", [T_ANDAND] = "'&&'",
    [T_OROR] = "'||'", [T_BANG] = "'!'", [T_COMMENT] = "comment",
};

const char *tok_name(TokKind k)
{
    if (k >= T_AND && k < T_COUNT) {
        for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
            if (keywords[i].kind == k)
                return keywords[i].word;
    }
    return k < T_COUNT && names[k] ? names[k] : "token";
}

int tok_is_keyword(TokKind k) { return k >= T_AND && k < T_COUNT; }

typedef struct Lexer {
    int file;
    const char *p, *end;
    int line, col;
    TokenList out;
    /* open brackets: '(' and '[' suppress newlines, '{' re-enables them */
    VEC(char) nest;
    int depth;
    /* a '.' or '|>' that continues the statement after blank and comment
     * lines: the newlines before it are already known not to end it */
    const char *continuation;
    /* when set, comments are kept here as T_COMMENT tokens (wyn fmt);
     * they never enter `out`, so the parser's view is the same */
    TokenList *comments;
} Lexer;

static void advance(Lexer *lx)
{
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)*lx->p & 0xC0) != 0x80) {
        lx->col++; /* columns count code points, not bytes */
    }
    lx->p++;
}

static Token *emit(Lexer *lx, TokKind k, const char *start, int line, int col)
{
    Token t = { .kind = k, .line = line, .col = col, .start = start,
                .len = (int)(lx->p - start) };
    vec_push(&lx->out, t);
    return &lx->out.items[lx->out.len - 1];
}

/* Tokens after which a newline continues the statement. */
int tok_continues_line(TokKind k)
{
    switch (k) {
    case T_PLUS: case T_MINUS: case T_STAR: case T_SLASH: case T_PERCENT:
    case T_AMP: case T_PIPE: case T_CARET: case T_SHL: case T_SHR:
    case T_EQ: case T_NE: case T_LT: case T_LE: case T_GE: case T_AND:
    case T_OR: case T_NOT: case T_COMMA: case T_DOT: case T_ASSIGN:
    case T_PLUSEQ: case T_MINUSEQ: case T_STAREQ: case T_SLASHEQ:
    case T_PERCENTEQ: case T_FATARROW: case T_ARROW: case T_DOTDOT:
    case T_DOTDOTEQ: case T_QDOT: case T_COLONCOLON: case T_ANDAND:
    case T_OROR: case T_PIPEGT:
        return 1;
    default:
        return 0;
    }
}

static void newline(Lexer *lx, int line, int col)
{
    if (lx->depth > 0 && lx->nest.items[lx->depth - 1] != '{')
        return;
    if (lx->out.len == 0)
        return;
    TokKind prev = lx->out.items[lx->out.len - 1].kind;
    if (prev == T_NEWLINE || prev == T_LBRACE || tok_continues_line(prev) || lx->p <= lx->continuation)
        return;
    /* a next line starting with '.' (not '..') continues a method chain,
     * one starting with '|>' a pipe chain */
    const char *q = lx->p;
    for (;;) { /* blank lines and whole-line comments in between */
        while (q < lx->end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
            q++;
        if (!(q + 1 < lx->end && q[0] == '/' && q[1] == '/'))
            break;
        while (q < lx->end && *q != '\n')
            q++;
    }
    if (q + 1 < lx->end && ((q[0] == '.' && q[1] != '.') || (q[0] == '?' && q[1] == '.') ||
                            (q[0] == '|' && q[1] == '>'))) {
        lx->continuation = q;
        return;
    }
    emit(lx, T_NEWLINE, lx->p, line, col);
}

static void lex_number(Lexer *lx)
{
    const char *s = lx->p;
    int line = lx->line, col = lx->col;
    char digits[128];
    int n = 0, is_float = 0, base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B')) {
        base = (s[1] == 'x' || s[1] == 'X') ? 16 : 2;
        advance(lx);
        advance(lx);
    }
    for (;;) {
        char c = *lx->p;
        int ok = base == 16 ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
               : base == 2 ? c == '0' || c == '1'
               : c >= '0' && c <= '9';
        if (c == '_') {
            advance(lx);
            continue;
        }
        if (base == 10 && c == '.' && lx->p[1] >= '0' && lx->p[1] <= '9' && !is_float) {
            is_float = 1;
        } else if (base == 10 && (c == 'e' || c == 'E') &&
                   ((lx->p[1] >= '0' && lx->p[1] <= '9') ||
                    ((lx->p[1] == '+' || lx->p[1] == '-') && lx->p[2] >= '0' && lx->p[2] <= '9'))) {
            is_float = 1;
            if (n < 120)
                digits[n++] = c;
            advance(lx);
            c = *lx->p;
        } else if (!ok) {
            break;
        }
        if (n < 120)
            digits[n++] = c;
        advance(lx);
    }
    digits[n] = 0;
    if ((*lx->p >= 'a' && *lx->p <= 'z') || (*lx->p >= 'A' && *lx->p <= 'Z')) {
        diag_error(lx->file, line, col, "invalid number literal");
        while ((*lx->p >= 'a' && *lx->p <= 'z') || (*lx->p >= 'A' && *lx->p <= 'Z') ||
               (*lx->p >= '0' && *lx->p <= '9'))
            advance(lx);
    }
    if (n == 0) {
        diag_error(lx->file, line, col, "number has no digits");
        digits[n++] = '0';
        digits[n] = 0;
    }
    Token *t = emit(lx, is_float ? T_FLOAT : T_INT, s, line, col);
    if (is_float) {
        t->fval = strtod(digits, NULL);
    } else {
        /* wrap silently like C unsigned parsing; 9223372036854775808 is
         * only meaningful after unary minus */
        uint64_t v = 0;
        int overflow = 0;
        for (int i = 0; i < n; i++) {
            char c = digits[i];
            int d = c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
            if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
                overflow = 1;
            v = v * (uint64_t)base + (uint64_t)d;
        }
        t->ival = (int64_t)v;
        /* decimal literals must fit in int; 9223372036854775808 only as
         * the operand of '-' (the parser checks that) */
        if (overflow || (base == 10 && v > (uint64_t)INT64_MAX + 1))
            diag_error(lx->file, line, col, "integer literal out of range for int");
        else if (base == 10 && v == (uint64_t)INT64_MAX + 1)
            t->len = -t->len; /* marks "needs a minus" */
    }
}

/* Skips over a ${ ... } interpolation starting at lx->p == '$'; nested
 * strings and braces are allowed inside.  Returns 0 at end of line. */
static int skip_interpolation(Lexer *lx)
{
    advance(lx); /* $ */
    advance(lx); /* { */
    int braces = 1;
    while (lx->p < lx->end && *lx->p != '\n') {
        char c = *lx->p;
        if (c == '"') {
            advance(lx);
            while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') {
                if (*lx->p == '\\' && lx->p + 1 < lx->end)
                    advance(lx);
                else if (*lx->p == '$' && lx->p[1] == '{') {
                    if (!skip_interpolation(lx))
                        return 0;
                    continue;
                }
                advance(lx);
            }
            if (*lx->p != '"')
                return 0;
        } else if (c == '{') {
            braces++;
        } else if (c == '}') {
            if (--braces == 0) {
                advance(lx);
                return 1;
            }
        }
        advance(lx);
    }
    return 0;
}

static void lex_string(Lexer *lx)
{
    const char *s = lx->p;
    int line = lx->line, col = lx->col;
    if (lx->p + 2 < lx->end && s[1] == '"' && s[2] == '"') {
        advance(lx); advance(lx); advance(lx);
        const char *body = lx->p;
        int bl = lx->line, bc = lx->col;
        while (lx->p + 2 < lx->end && !(lx->p[0] == '"' && lx->p[1] == '"' && lx->p[2] == '"'))
            advance(lx);
        if (lx->p + 2 >= lx->end) {
            diag_error(lx->file, line, col, "unterminated raw string");
            lx->p = lx->end;
            return;
        }
        const char *body_end = lx->p;
        advance(lx); advance(lx); advance(lx);
        Token *t = emit(lx, T_RAWSTRING, s, line, col);
        t->body = body;
        t->body_len = (int)(body_end - body);
        t->body_line = bl;
        t->body_col = bc;
        return;
    }
    advance(lx);
    const char *body = lx->p;
    int bl = lx->line, bc = lx->col;
    while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') {
        if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n') {
            advance(lx);
            advance(lx);
        } else if (*lx->p == '$' && lx->p[1] == '{') {
            if (!skip_interpolation(lx))
                break;
        } else {
            advance(lx);
        }
    }
    if (lx->p >= lx->end || *lx->p != '"') {
        diag_error(lx->file, line, col, "unterminated string");
        while (lx->p < lx->end && *lx->p != '\n')
            advance(lx);
        return;
    }
    const char *body_end = lx->p;
    advance(lx);
    Token *t = emit(lx, T_STRING, s, line, col);
    t->body = body;
    t->body_len = (int)(body_end - body);
    t->body_line = bl;
    t->body_col = bc;
}

/* 'x' and 'text': Wyn has no character type and no single-quoted
 * strings.  Reported with the double-quoted spelling, then lexed as the
 * string so that parsing goes on. */
static void lex_single_quoted(Lexer *lx)
{
    const char *s = lx->p;
    int line = lx->line, col = lx->col;
    const char *q = s + 1;
    while (q < lx->end && *q != '\'' && *q != '\n')
        q += (*q == '\\' && q + 1 < lx->end && q[1] != '\n') ? 2 : 1;
    if (q >= lx->end || *q != '\'') {
        diag_error(lx->file, line, col, "unexpected character '\\'': Wyn writes strings in double quotes");
        advance(lx);
        return;
    }
    int n = (int)(q - s - 1);
    int one_char = n == 1 || (n == 2 && s[1] == '\\');
    if (one_char)
        diag_error(lx->file, line, col,
                   "Wyn has no character literals: Wyn writes it as \"%.*s\" (a one-character string)", n, s + 1);
    else
        diag_error(lx->file, line, col, "Wyn writes strings in double quotes: \"%.*s\"", n > 40 ? 40 : n, s + 1);
    while (lx->p <= q)
        advance(lx);
    Token *t = emit(lx, T_STRING, s, line, col);
    t->body = s + 1;
    t->body_len = n;
    t->body_line = line;
    t->body_col = col + 1;
}

static void push_nest(Lexer *lx, char c)
{
    lx->nest.len = lx->depth;
    vec_push(&lx->nest, c);
    lx->depth++;
}

static void pop_nest(Lexer *lx)
{
    if (lx->depth > 0)
        lx->depth--;
}

/* Longest-match punctuation table. */
static const struct { const char *text; TokKind kind; } puncts[] = {
    {"..=", T_DOTDOTEQ}, {"<<", T_SHL}, {">>", T_SHR}, {"==", T_EQ},
    {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE}, {"=>", T_FATARROW},
    {"->", T_ARROW}, {"..", T_DOTDOT}, {"+=", T_PLUSEQ}, {"-=", T_MINUSEQ},
    {"*=", T_STAREQ}, {"/=", T_SLASHEQ}, {"%=", T_PERCENTEQ},
    {"++", T_PLUSPLUS}, {"--", T_MINUSMINUS}, {"::", T_COLONCOLON},
    {"&&", T_ANDAND}, {"||", T_OROR}, {"|>", T_PIPEGT}, {"?.", T_QDOT},
    {"(", T_LPAREN}, {")", T_RPAREN}, {"[", T_LBRACKET}, {"]", T_RBRACKET},
    {"{", T_LBRACE}, {"}", T_RBRACE}, {",", T_COMMA}, {".", T_DOT},
    {":", T_COLON}, {";", T_SEMI}, {"?", T_QUESTION}, {"=", T_ASSIGN},
    {"<", T_LT}, {">", T_GT}, {"+", T_PLUS}, {"-", T_MINUS}, {"*", T_STAR},
    {"/", T_SLASH}, {"%", T_PERCENT}, {"&", T_AMP}, {"|", T_PIPE},
    {"^", T_CARET}, {"~", T_TILDE}, {"!", T_BANG},
};

static int is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void lex_punct(Lexer *lx)
{
    int line = lx->line, col = lx->col;
    const char *s = lx->p;
    for (size_t i = 0; i < sizeof puncts / sizeof *puncts; i++) {
        size_t n = strlen(puncts[i].text);
        if ((size_t)(lx->end - lx->p) >= n && memcmp(lx->p, puncts[i].text, n) == 0) {
            /* "?." before a digit is "? .5"... never valid; keep simple */
            for (size_t k = 0; k < n; k++)
                advance(lx);
            TokKind k = puncts[i].kind;
            if (k == T_LPAREN || k == T_LBRACKET || k == T_LBRACE)
                push_nest(lx, *s);
            else if (k == T_RPAREN || k == T_RBRACKET || k == T_RBRACE)
                pop_nest(lx);
            emit(lx, k, s, line, col);
            return;
        }
    }
    unsigned char c = (unsigned char)*lx->p;
    if (c >= 0x20 && c < 0x7f)
        diag_error(lx->file, line, col, "unexpected character '%c'", c);
    else
        diag_error(lx->file, line, col, "unexpected character (byte 0x%02x)", c);
    advance(lx);
}

static void keep_comment(Lexer *lx, const char *start, int line, int col)
{
    if (!lx->comments)
        return;
    Token t = { .kind = T_COMMENT, .line = line, .col = col, .start = start,
                .len = (int)(lx->p - start) };
    vec_push(lx->comments, t);
}

static TokenList lex_run(int file, const char *text, int len, int line, int col,
                         TokenList *comments)
{
    Lexer lx = { .file = file, .p = text, .end = text + len, .line = line, .col = col,
                 .comments = comments };
    while (lx.p < lx.end) {
        char c = *lx.p;
        if (c == '\n') {
            int l = lx.line, cl = lx.col;
            advance(&lx);
            newline(&lx, l, cl);
        } else if (c == ' ' || c == '\t' || c == '\r') {
            advance(&lx);
        } else if (c == '/' && lx.p[1] == '/') {
            const char *s = lx.p;
            int l = lx.line, cl = lx.col;
            while (lx.p < lx.end && *lx.p != '\n')
                advance(&lx);
            keep_comment(&lx, s, l, cl);
        } else if (c == '/' && lx.p[1] == '*') {
            const char *s = lx.p;
            int l = lx.line, cl = lx.col;
            advance(&lx);
            advance(&lx);
            while (lx.p < lx.end && !(lx.p[0] == '*' && lx.p[1] == '/'))
                advance(&lx);
            if (lx.p >= lx.end)
                diag_error(file, l, cl, "unterminated comment");
            else {
                advance(&lx);
                advance(&lx);
                keep_comment(&lx, s, l, cl);
            }
        } else if (c >= '0' && c <= '9') {
            lex_number(&lx);
        } else if (c == '"') {
            lex_string(&lx);
        } else if (c == '\'') {
            lex_single_quoted(&lx);
        } else if (is_ident_start((unsigned char)c)) {
            const char *s = lx.p;
            int l = lx.line, cl = lx.col;
            while (lx.p < lx.end && is_ident_char((unsigned char)*lx.p))
                advance(&lx);
            TokKind k = T_IDENT;
            int n = (int)(lx.p - s);
            /* after '.', a keyword is an ordinary member name */
            int after_dot = lx.out.len > 0 &&
                (lx.out.items[lx.out.len - 1].kind == T_DOT ||
                 lx.out.items[lx.out.len - 1].kind == T_QDOT);
            for (size_t i = 0; !after_dot && i < sizeof keywords / sizeof *keywords; i++)
                if ((int)strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, (size_t)n) == 0)
                    k = keywords[i].kind;
            emit(&lx, k, s, l, cl);
        } else {
            lex_punct(&lx);
        }
    }
    Token eof = { .kind = T_EOF, .line = lx.line, .col = lx.col, .start = lx.p };
    /* a final implicit newline ends the last statement */
    if (lx.out.len && lx.out.items[lx.out.len - 1].kind != T_NEWLINE) {
        Token nl = eof;
        nl.kind = T_NEWLINE;
        vec_push(&lx.out, nl);
    }
    vec_push(&lx.out, eof);
    free(lx.nest.items);
    return lx.out;
}

TokenList lex_all(int file, const char *text, int len, int line, int col)
{
    return lex_run(file, text, len, line, col, NULL);
}

TokenList lex_keep_comments(int file, const char *text, int len, int line, int col,
                            TokenList *comments)
{
    return lex_run(file, text, len, line, col, comments);
}
