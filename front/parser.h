/*
 * parser.h — a Pratt parser from tokens to the AST of ast.h.
 *
 * parse_file returns the top-level items of one file in source order
 * (declarations and script statements alike); syntax errors are reported
 * through diag_error and the parser resynchronises at the next statement.
 */
#ifndef WYN_PARSER_H
#define WYN_PARSER_H
#include "ast.h"

NodeList parse_file(int file);

#endif
