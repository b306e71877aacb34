/*
 * lexer.h — turns Wyn source text into tokens.
 *
 * The lexer decides where statements end: it emits NEWLINE tokens only
 * where a newline can end a statement (SPEC §2): not inside ( ) or [ ],
 * not after a binary operator, ',', '.', '=' and friends, and not when
 * the next line starts with '.' (a method chain).  Inside { } newlines
 * count again, so blocks inside call arguments work.
 *
 * String literals are returned whole (T_STRING, with the raw text between
 * the quotes); the parser splits out ${...} interpolations and decodes
 * escapes.
 */
#ifndef WYN_LEXER_H
#define WYN_LEXER_H
#include <stdint.h>

typedef enum TokKind {
    T_EOF, T_NEWLINE, T_IDENT, T_INT, T_FLOAT, T_STRING, T_RAWSTRING,
    /* punctuation */
    T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_LBRACE, T_RBRACE,
    T_COMMA, T_DOT, T_COLON, T_SEMI, T_QUESTION, T_QDOT, T_FATARROW, T_ARROW,
    T_DOTDOT, T_DOTDOTEQ, T_ASSIGN, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_AMP, T_PIPE, T_CARET,
    T_TILDE, T_SHL, T_SHR, T_PLUSEQ, T_MINUSEQ, T_STAREQ, T_SLASHEQ,
    T_PERCENTEQ, T_PLUSPLUS, T_MINUSMINUS, T_COLONCOLON, T_PIPEGT,
    T_ANDAND, T_OROR, T_BANG,      /* C operators: only for good errors */
    T_COMMENT,                     /* only from lex_keep_comments */
    /* keywords */
    T_AND, T_AS, T_AWAIT, T_BREAK, T_CONST, T_CONTINUE, T_DEFER, T_ELSE,
    T_ENUM, T_EXTERN, T_FALSE, T_FN, T_FOR, T_IF, T_IMPL, T_IMPORT, T_IN,
    T_MATCH, T_NONE, T_NOT, T_OR, T_PARALLEL, T_PUB, T_RETURN, T_SELECT,
    T_SELF, T_SOME, T_SPAWN, T_STRUCT, T_TRUE, T_VAR, T_WHILE,
    T_COUNT
} TokKind;

typedef struct Token {
    TokKind kind;
    int line, col;
    const char *start;   /* points into the source */
    int len;
    int64_t ival;        /* T_INT */
    double fval;         /* T_FLOAT */
    /* T_STRING / T_RAWSTRING: body between the quotes */
    const char *body;
    int body_len;
    int body_line, body_col; /* position of the first body character */
} Token;

typedef struct TokenList {
    Token *items;
    int len, cap;
} TokenList;

/* Lexes text (len bytes) of file `file`, positions starting at line/col.
 * Errors are reported through diag_error; the list always ends with T_EOF. */
TokenList lex_all(int file, const char *text, int len, int line, int col);
/* The same tokens as lex_all, and every comment (whole: '//' to the end
 * of the line, or the block) appended to *comments as a T_COMMENT token
 * in source order: for wyn fmt. */
TokenList lex_keep_comments(int file, const char *text, int len, int line, int col,
                            TokenList *comments);
const char *tok_name(TokKind k);
/* True when a newline after a token of kind k continues the statement. */
int tok_continues_line(TokKind k);
/* True when a keyword token may be used as a name (after '.'). */
int tok_is_keyword(TokKind k);

#endif
