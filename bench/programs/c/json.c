/* Tokenizer for a JSON-like text. The text (about 32 KiB of nested objects,
 * arrays, strings with escapes, integers and decimals with exponents, and
 * literals, separated by random whitespace) is generated once per call from a
 * fixed seed; run(n) tokenizes it n times. Each token is classified, strings
 * are hashed after unescaping, numbers are converted to integer mantissa and
 * exponent. Checksum: mix of token counts and values. */
#include "common.h"

#define TARGET_LEN (32 * 1024)
#define CAP (TARGET_LEN + 8 * 1024)

typedef struct {
    char *buf;
    uint32_t pos;
    rng_t rng;
} gen_t;

static void put(gen_t *g, char c) {
    CHECK(g->pos < CAP);
    g->buf[g->pos++] = c;
}

static void puts_(gen_t *g, const char *s) {
    while (*s) put(g, *s++);
}

static void space(gen_t *g) {
    uint32_t k = rng_below(&g->rng, 8);
    if (k == 0) put(g, '\n');
    else if (k < 3) put(g, ' ');
}

static void gen_string(gen_t *g) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    put(g, '"');
    uint32_t len = rng_below(&g->rng, 16);
    for (uint32_t i = 0; i < len; i++) {
        uint32_t k = rng_below(&g->rng, 32);
        if (k == 0) {
            static const char esc[] = "\"\\/bfnrt";
            put(g, '\\');
            put(g, esc[rng_below(&g->rng, 8)]);
        } else if (k == 1) {
            static const char hex[] = "0123456789abcdef";
            puts_(g, "\\u00");
            put(g, hex[rng_below(&g->rng, 8)]);
            put(g, hex[rng_below(&g->rng, 16)]);
        } else {
            put(g, letters[rng_below(&g->rng, 64)]);
        }
    }
    put(g, '"');
}

static void gen_number(gen_t *g) {
    char digits[16];
    if (rng_below(&g->rng, 4) == 0) put(g, '-');
    uint32_t v = rng_u32(&g->rng) >> rng_below(&g->rng, 32);
    uint32_t d = 0;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (d) put(g, digits[--d]);
    if (rng_below(&g->rng, 3) == 0) {
        put(g, '.');
        for (uint32_t i = 1 + rng_below(&g->rng, 5); i; i--) put(g, (char)('0' + rng_below(&g->rng, 10)));
    }
    if (rng_below(&g->rng, 6) == 0) {
        put(g, rng_below(&g->rng, 2) ? 'e' : 'E');
        if (rng_below(&g->rng, 2)) put(g, '-');
        put(g, (char)('0' + rng_below(&g->rng, 10)));
    }
}

static void gen_value(gen_t *g, uint32_t depth) {
    uint32_t k = rng_below(&g->rng, depth < 6 ? 10 : 6);
    if (k < 2) {
        gen_string(g);
    } else if (k < 4) {
        gen_number(g);
    } else if (k < 6) {
        static const char *const lits[] = {"true", "false", "null"};
        puts_(g, lits[rng_below(&g->rng, 3)]);
    } else {
        int object = k < 8;
        put(g, object ? '{' : '[');
        uint32_t count = rng_below(&g->rng, 7);
        for (uint32_t i = 0; i < count && g->pos < TARGET_LEN; i++) {
            if (i) put(g, ',');
            space(g);
            if (object) {
                gen_string(g);
                space(g);
                put(g, ':');
                space(g);
            }
            gen_value(g, depth + 1);
            space(g);
        }
        put(g, object ? '}' : ']');
    }
}

enum { T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET, T_COLON, T_COMMA, T_STRING, T_NUMBER, T_TRUE, T_FALSE, T_NULL, T_KINDS };

static uint32_t hex_digit(char c) {
    if (c >= '0' && c <= '9') return (uint32_t)(c - '0');
    if (c >= 'a' && c <= 'f') return (uint32_t)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (uint32_t)(c - 'A' + 10);
    __builtin_trap();
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* one pass over the text; returns a checksum and fills counts[] */
static uint64_t tokenize(const char *s, uint32_t len, uint32_t counts[T_KINDS]) {
    uint64_t h = 0;
    uint32_t i = 0;
    memset(counts, 0, T_KINDS * sizeof(uint32_t));
    while (i < len) {
        char c = s[i];
        uint32_t kind;
        uint64_t value = 0;
        switch (c) {
        case ' ':
        case '\n':
        case '\t':
        case '\r': i++; continue;
        case '{': kind = T_LBRACE, i++; break;
        case '}': kind = T_RBRACE, i++; break;
        case '[': kind = T_LBRACKET, i++; break;
        case ']': kind = T_RBRACKET, i++; break;
        case ':': kind = T_COLON, i++; break;
        case ',': kind = T_COMMA, i++; break;
        case '"': {
            /* FNV-1a over the unescaped code units */
            uint32_t fnv = 2166136261u;
            i++;
            for (;;) {
                CHECK(i < len);
                uint32_t unit = (uint8_t)s[i++];
                if (unit == '"') break;
                if (unit == '\\') {
                    CHECK(i < len);
                    char e = s[i++];
                    switch (e) {
                    case '"': unit = '"'; break;
                    case '\\': unit = '\\'; break;
                    case '/': unit = '/'; break;
                    case 'b': unit = 8; break;
                    case 'f': unit = 12; break;
                    case 'n': unit = 10; break;
                    case 'r': unit = 13; break;
                    case 't': unit = 9; break;
                    case 'u':
                        CHECK(i + 4 <= len);
                        unit = hex_digit(s[i]) << 12 | hex_digit(s[i + 1]) << 8 | hex_digit(s[i + 2]) << 4 |
                               hex_digit(s[i + 3]);
                        i += 4;
                        break;
                    default: __builtin_trap();
                    }
                }
                fnv = (fnv ^ unit) * 16777619u;
            }
            kind = T_STRING;
            value = fnv;
            break;
        }
        case 't':
            CHECK(i + 4 <= len && memcmp(s + i, "true", 4) == 0);
            kind = T_TRUE, i += 4;
            break;
        case 'f':
            CHECK(i + 5 <= len && memcmp(s + i, "false", 5) == 0);
            kind = T_FALSE, i += 5;
            break;
        case 'n':
            CHECK(i + 4 <= len && memcmp(s + i, "null", 4) == 0);
            kind = T_NULL, i += 4;
            break;
        default: {
            /* number: -?digits(.digits)?([eE]-?digits)? -> mantissa * 10^exp */
            int neg = 0;
            if (c == '-') neg = 1, i++;
            CHECK(i < len && is_digit(s[i]));
            uint64_t mant = 0;
            int32_t exp = 0;
            while (i < len && is_digit(s[i])) mant = mant * 10 + (uint64_t)(s[i++] - '0');
            if (i < len && s[i] == '.') {
                i++;
                CHECK(i < len && is_digit(s[i]));
                while (i < len && is_digit(s[i])) mant = mant * 10 + (uint64_t)(s[i++] - '0'), exp--;
            }
            if (i < len && (s[i] == 'e' || s[i] == 'E')) {
                i++;
                int eneg = 0;
                if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
                CHECK(i < len && is_digit(s[i]));
                int32_t e = 0;
                while (i < len && is_digit(s[i])) e = e * 10 + (s[i++] - '0');
                exp += eneg ? -e : e;
            }
            kind = T_NUMBER;
            value = (neg ? 0 - mant : mant) ^ ((uint64_t)(uint32_t)exp << 48);
            break;
        }
        }
        counts[kind]++;
        h = mix64(h, value * T_KINDS + kind);
    }
    return h;
}

int64_t run(int32_t n) {
    gen_t g;
    g.buf = malloc(CAP);
    g.pos = 0;
    g.rng = rng_new(0x6a736f6eull);
    CHECK(g.buf);
    put(&g, '[');
    for (uint32_t i = 0; g.pos < TARGET_LEN; i++) {
        if (i) put(&g, ',');
        space(&g);
        gen_value(&g, 0);
    }
    put(&g, ']');

    uint32_t counts[T_KINDS];
    uint64_t h = 0;
    for (int32_t pass = 0; pass < n; pass++) h = mix64(h, tokenize(g.buf, g.pos, counts));
    for (int k = 0; k < T_KINDS; k++) h = mix64(h, counts[k]);
    /* brackets must balance */
    CHECK(n <= 0 || (counts[T_LBRACE] == counts[T_RBRACE] && counts[T_LBRACKET] == counts[T_RBRACKET]));
    free(g.buf);
    return (int64_t)h;
}
