/* C core of the compiled tokenizer (_tokenizer.pyx): the o200k pre-tokenizer scanner,
 * the rank hash table and the BPE merge loop.  Everything here works on valid UTF-8
 * buffers and plain C memory, so it runs without the GIL. */
#ifndef OH_BPE_CORE_H
#define OH_BPE_CORE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "_unicode_classes.h"

#if defined(__GNUC__) || defined(__clang__)
#define OH_PREFETCH(p) __builtin_prefetch((p))
#else
#define OH_PREFETCH(p) ((void)0)
#endif

#define OH_NO_RANK 0xFFFFFFFFu
/* Pieces shorter than this use the simple quadratic merge (fast for words); longer
 * ones use a heap so a megabyte without whitespace stays O(n log n). */
#define OH_SMALL_PIECE 64

/* ------------------------------------------------------------------ hashing */

static inline uint64_t oh_load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint64_t oh_load32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static inline uint64_t oh_mix(uint64_t h) {
    h ^= h >> 32; h *= 0xd6e8feb86659fd93ULL; h ^= h >> 32;
    return h;
}

static inline uint64_t oh_hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 0x243F6A8885A308D3ULL ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL);
    if (n <= 8) {
        uint64_t v;
        if (n >= 4) v = oh_load32(p) | (oh_load32(p + n - 4) << 32);
        else if (n > 0) v = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
        else v = 0;
        return oh_mix((h ^ v) * 0xbf58476d1ce4e5b9ULL);
    }
    while (n > 8) {
        h = (h ^ oh_load64(p)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        p += 8; n -= 8;
    }
    /* last 8 bytes, overlapping what was already mixed */
    h = (h ^ oh_load64(p + n - 8)) * 0x94d049bb133111ebULL;
    return oh_mix(h);
}

/* Equality of two n-byte strings without a libc call (pieces are short). */
static inline int oh_eq(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n >= 8) {
        while (n > 8) {
            if (oh_load64(a) != oh_load64(b)) return 0;
            a += 8; b += 8; n -= 8;
        }
        return oh_load64(a + n - 8) == oh_load64(b + n - 8);
    }
    if (n >= 4) return oh_load32(a) == oh_load32(b) && oh_load32(a + n - 4) == oh_load32(b + n - 4);
    for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return 0;
    return 1;
}

/* ------------------------------------------------------------------ vocabulary */

typedef struct {
    uint32_t n_tokens;
    uint8_t *data;       /* all token bytes back to back */
    uint64_t *off;       /* n_tokens + 1 offsets into data */
    uint64_t *slots;     /* open addressing: (hash >> 32) << 32 | (rank + 1); 0 = empty */
    uint64_t mask;
    uint32_t byte_rank[256];
    uint32_t *pair_rank;  /* 65536 entries: rank of each two-byte token, by (b0 << 8) | b1 */
    uint64_t *memo;       /* OH_MEMO_SIZE entries (see oh_pair_rank), or NULL */
    struct oh_short_ent *short_tab;  /* every token of 1-8 bytes (see oh_short_rank), or NULL */
    uint64_t short_mask;
    struct oh_piece_cache *pieces;   /* merged pieces kept across calls (see below), or NULL */
} oh_vocab;

/* Short tokens (most pieces of code and prose are 8 bytes or less) have their own table,
 * keyed by the bytes packed into one integer: a lookup is one probe that compares two
 * words, where the general table must follow a rank to its offsets and then its bytes. */
typedef struct oh_short_ent {
    uint64_t key;
    uint32_t len;  /* 0 = empty */
    uint32_t rank;
} oh_short_ent;

/* The n (1..8) bytes at p as a little-endian integer, reading only p[0..n-1]: two
 * overlapping loads whose shared bytes are equal, so OR-ing them is exact. */
static inline uint64_t oh_pack(const uint8_t *p, size_t n) {
    if (n >= 4) {
        uint64_t lo = oh_load32(p), hi = oh_load32(p + n - 4);
        return lo | (hi << (8 * (n - 4)));
    }
    return (uint64_t)p[0] | ((uint64_t)p[n >> 1] << (8 * (n >> 1))) | ((uint64_t)p[n - 1] << (8 * (n - 1)));
}

static inline uint64_t oh_short_hash(uint64_t key, size_t n) {
    return oh_mix((key ^ ((uint64_t)n << 59)) * 0x9E3779B97F4A7C15ULL);
}

/* Probe short_tab from slot i, the key's home slot (see oh_short_rank). */
static inline uint32_t oh_short_probe(const oh_vocab *v, uint64_t key, size_t n, uint64_t i) {
    for (;;) {
        const oh_short_ent *e = &v->short_tab[i];
        if (e->key == key && e->len == n) return e->rank;
        if (e->len == 0) return OH_NO_RANK;
        i = (i + 1) & v->short_mask;
    }
}

static inline uint32_t oh_short_rank(const oh_vocab *v, uint64_t key, size_t n) {
    return oh_short_probe(v, key, n, oh_short_hash(key, n) & v->short_mask);
}

static inline uint32_t oh_rank_h(const oh_vocab *v, const uint8_t *p, size_t n, uint64_t h) {
    uint64_t tag = h >> 32;
    uint64_t i = h & v->mask;
    for (;;) {
        uint64_t s = v->slots[i];
        if (s == 0) return OH_NO_RANK;
        if ((s >> 32) == tag) {
            uint32_t r = (uint32_t)s - 1;
            uint64_t a = v->off[r];
            if (v->off[r + 1] - a == n && oh_eq(v->data + a, p, n)) return r;
        }
        i = (i + 1) & v->mask;
    }
}

static inline uint32_t oh_rank(const oh_vocab *v, const uint8_t *p, size_t n) {
    if (n - 1 < 8 && v->short_tab) return oh_short_rank(v, oh_pack(p, n), n);
    return oh_rank_h(v, p, n, oh_hash_bytes(p, n));
}

/* Build short_tab from the (already filled) vocabulary.  0, or -1 when out of memory. */
static int oh_short_build(oh_vocab *v) {
    uint64_t count = 0, size = 16, r;
    for (r = 0; r < v->n_tokens; r++) {
        uint64_t n = v->off[r + 1] - v->off[r];
        if (n >= 1 && n <= 8) count++;
    }
    /* load factor up to 0.6: o200k's 148K short tokens take 4 MB, probes stay in a line or two */
    while (size * 3 < count * 5) size *= 2;
    oh_short_ent *t = (oh_short_ent *)calloc(size, sizeof(oh_short_ent));
    if (!t) return -1;
    for (r = 0; r < v->n_tokens; r++) {
        size_t n = (size_t)(v->off[r + 1] - v->off[r]);
        if (n < 1 || n > 8) continue;
        uint64_t key = oh_pack(v->data + v->off[r], n);
        uint64_t i = oh_short_hash(key, n) & (size - 1);
        while (t[i].len != 0 && !(t[i].key == key && t[i].len == n)) i = (i + 1) & (size - 1);
        if (t[i].len == 0) { t[i].key = key; t[i].len = (uint32_t)n; t[i].rank = (uint32_t)r; }
    }
    v->short_tab = t;
    v->short_mask = size - 1;
    return 0;
}

/* A memo of merges by token ids: (left id, right id) -> rank of the two tokens' bytes
 * joined, or "no such token".  It is a pure function of the vocabulary, so it is filled as
 * pairs are met and shared by every call and thread: entries are single 64-bit words
 * (valid bit | left << 41 | right << 21 | rank), written and read whole with relaxed
 * atomics, so a race can only lose an entry, never pair a key with a wrong value.
 * Looking a pair up is one probe into 512 KB instead of hashing the bytes and following
 * the rank table to the token's offsets and bytes (three cache misses). */
#define OH_MEMO_BITS 16
#define OH_MEMO_SIZE ((size_t)1 << OH_MEMO_BITS)
#define OH_MEMO_IDBITS 20
#define OH_MEMO_NONE ((uint64_t)0x1FFFFF)
#if defined(__GNUC__) || defined(__clang__)
#define OH_LOAD_RELAXED(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define OH_STORE_RELAXED(p, x) __atomic_store_n((p), (x), __ATOMIC_RELAXED)
#else
#define OH_LOAD_RELAXED(p) (*(volatile uint64_t *)(p))
#define OH_STORE_RELAXED(p, x) (*(volatile uint64_t *)(p) = (x))
#endif

static inline size_t oh_memo_slot(uint32_t l, uint32_t r) {
    uint64_t key = ((uint64_t)l << OH_MEMO_IDBITS) | r;
    return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - OH_MEMO_BITS));
}

/* Start reading the memo entry of pair (l, r): a merge needs two new pairs looked up,
 * and prefetching both first lets their cache misses overlap. */
static inline void oh_memo_prefetch(const oh_vocab *v, uint32_t l, uint32_t r) {
    if (v->memo) OH_PREFETCH(&v->memo[oh_memo_slot(l, r)]);
}

/* Rank of the n bytes at p, which are token l's bytes followed by token r's. */
static inline uint32_t oh_pair_rank(const oh_vocab *v, uint32_t l, uint32_t r, const uint8_t *p, size_t n) {
    if (v->memo == NULL || ((l | r) >> OH_MEMO_IDBITS) != 0) return oh_rank(v, p, n);
    uint64_t key = ((uint64_t)l << OH_MEMO_IDBITS) | r;
    uint64_t *slot = &v->memo[oh_memo_slot(l, r)];
    uint64_t e = OH_LOAD_RELAXED(slot);
    if ((e >> 21) == (key | ((uint64_t)1 << 42))) {
        uint64_t val = e & OH_MEMO_NONE;
        return val == OH_MEMO_NONE ? OH_NO_RANK : (uint32_t)val;
    }
    uint32_t rank = oh_rank(v, p, n);
    OH_STORE_RELAXED(slot, ((uint64_t)1 << 63) | (key << 21) | (rank == OH_NO_RANK ? OH_MEMO_NONE : (uint64_t)rank));
    return rank;
}

/* Insert token `r` (already stored in data/off).  Returns 0, 1 if the same bytes were
 * already present, -1 when the table is full (cannot happen when sized 2x). */
static int oh_vocab_insert(oh_vocab *v, uint32_t r) {
    const uint8_t *p = v->data + v->off[r];
    size_t n = (size_t)(v->off[r + 1] - v->off[r]);
    uint64_t h = oh_hash_bytes(p, n);
    uint64_t tag = h >> 32;
    uint64_t i = h & v->mask;
    for (uint64_t probes = 0; probes <= v->mask; probes++) {
        uint64_t s = v->slots[i];
        if (s == 0) {
            v->slots[i] = (tag << 32) | (uint64_t)(r + 1);
            return 0;
        }
        if ((s >> 32) == tag) {
            uint32_t o = (uint32_t)s - 1;
            uint64_t a = v->off[o];
            if (v->off[o + 1] - a == n && memcmp(v->data + a, p, n) == 0) return 1;
        }
        i = (i + 1) & v->mask;
    }
    return -1;
}

/* ------------------------------------------------------------------ output vector */

typedef struct {
    uint32_t *data;
    size_t len, cap;
} oh_vec;

static int oh_vec_reserve(oh_vec *o, size_t extra) {
    if (o->len + extra <= o->cap) return 0;
    size_t cap = o->cap ? o->cap : 16;
    while (cap < o->len + extra) cap *= 2;
    uint32_t *d = (uint32_t *)realloc(o->data, cap * sizeof(uint32_t));
    if (!d) return -1;
    o->data = d;
    o->cap = cap;
    return 0;
}

static inline int oh_vec_push(oh_vec *o, uint32_t x) {
    if (o->len == o->cap && oh_vec_reserve(o, 1)) return -1;
    o->data[o->len++] = x;
    return 0;
}

/* Errors from the nogil core. */
#define OH_OK 0
#define OH_ENOMEM -1
#define OH_EBYTE -2   /* a single byte has no rank; err_byte says which */

typedef struct {
    int code;
    int byte;
} oh_err;

/* ------------------------------------------------------------------ BPE merge */

/* tiktoken's rule: repeatedly merge the adjacent pair whose concatenation has the lowest
 * rank, leftmost on ties. */
static int oh_merge_small(const oh_vocab *v, const uint8_t *p, size_t n, oh_vec *out, oh_err *err) {
    uint32_t start[OH_SMALL_PIECE + 1];
    uint32_t pair[OH_SMALL_PIECE];
    uint32_t tok[OH_SMALL_PIECE];
    size_t m = n, i;
    for (i = 0; i < n; i++) { start[i] = (uint32_t)i; tok[i] = v->byte_rank[p[i]]; }
    start[n] = (uint32_t)n;
    for (i = 0; i + 1 < n; i++) pair[i] = v->pair_rank[((uint32_t)p[i] << 8) | p[i + 1]];
    pair[n - 1] = OH_NO_RANK;
    while (m > 1) {
        uint32_t best = OH_NO_RANK;
        size_t b = 0;
        for (i = 0; i + 1 < m; i++) {
            if (pair[i] < best) { best = pair[i]; b = i; }
        }
        if (best == OH_NO_RANK) break;
        tok[b] = best;
        if (b + 2 < m) oh_memo_prefetch(v, best, tok[b + 2]);
        if (b > 0) oh_memo_prefetch(v, tok[b - 1], best);
        /* drop part b+1 */
        memmove(start + b + 1, start + b + 2, (m - b - 1) * sizeof(uint32_t));
        memmove(pair + b + 1, pair + b + 2, (m - b - 2) * sizeof(uint32_t));
        memmove(tok + b + 1, tok + b + 2, (m - b - 2) * sizeof(uint32_t));
        m--;
        pair[b] = (b + 1 < m) ? oh_pair_rank(v, tok[b], tok[b + 1], p + start[b], start[b + 2] - start[b]) : OH_NO_RANK;
        if (b > 0) pair[b - 1] = oh_pair_rank(v, tok[b - 1], tok[b], p + start[b - 1], start[b + 1] - start[b - 1]);
    }
    if (oh_vec_reserve(out, m)) { err->code = OH_ENOMEM; return -1; }
    for (i = 0; i < m; i++) {
        if (tok[i] == OH_NO_RANK) { err->code = OH_EBYTE; err->byte = p[start[i]]; return -1; }
        out->data[out->len++] = tok[i];
    }
    return 0;
}

/* 4-ary min-heap of (rank << 32 | position): half the depth of a binary heap, and a
 * node's children share a cache line. */
static inline void oh_heap_push(uint64_t *h, size_t *len, uint64_t x) {
    size_t i = (*len)++;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (h[parent] <= x) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = x;
}

static inline void oh_heap_sift_down(uint64_t *h, size_t n, size_t i, uint64_t x) {
    for (;;) {
        size_t c = 4 * i + 1, best, k, end;
        if (c >= n) break;
        best = c;
        end = c + 4 < n ? c + 4 : n;
        for (k = c + 1; k < end; k++)
            if (h[k] < h[best]) best = k;
        if (x <= h[best]) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = x;
}

static inline uint64_t oh_heap_pop(uint64_t *h, size_t *len) {
    uint64_t top = h[0];
    uint64_t x = h[--(*len)];
    if (*len) oh_heap_sift_down(h, *len, 0, x);
    return top;
}

static int oh_merge_large(const oh_vocab *v, const uint8_t *p, size_t n, oh_vec *out, oh_err *err) {
    /* Parts are a linked list over start offsets: nxt[i] is the end of the part at i. */
    uint32_t *nxt = (uint32_t *)malloc(n * sizeof(uint32_t));
    uint32_t *prv = (uint32_t *)malloc(n * sizeof(uint32_t));
    uint32_t *pair = (uint32_t *)malloc(n * sizeof(uint32_t));
    uint32_t *tok = (uint32_t *)malloc(n * sizeof(uint32_t));
    /* every merge pushes at most 2 entries */
    uint64_t *heap = (uint64_t *)malloc(3 * n * sizeof(uint64_t));
    size_t hlen = 0, i, count = 0;
    int rc = 0;
    if (!nxt || !prv || !pair || !tok || !heap) { err->code = OH_ENOMEM; rc = -1; goto done; }
    for (i = 0; i < n; i++) {
        nxt[i] = (uint32_t)(i + 1);
        prv[i] = (uint32_t)(i - 1); /* wraps to UINT32_MAX for i == 0 */
        tok[i] = v->byte_rank[p[i]];
        pair[i] = OH_NO_RANK;
    }
    for (i = 0; i + 1 < n; i++) {
        uint32_t r = v->pair_rank[((uint32_t)p[i] << 8) | p[i + 1]];
        pair[i] = r;
        if (r != OH_NO_RANK) heap[hlen++] = ((uint64_t)r << 32) | i;
    }
    /* heapify */
    if (hlen > 1)
        for (i = (hlen - 2) / 4 + 1; i-- > 0;) oh_heap_sift_down(heap, hlen, i, heap[i]);
    while (hlen) {
        uint64_t e = oh_heap_pop(heap, &hlen);
        uint32_t r = (uint32_t)(e >> 32);
        uint32_t a = (uint32_t)e;
        if (pair[a] != r) continue; /* stale: merged away or re-ranked since pushed */
        uint32_t b = nxt[a];
        uint32_t end = nxt[b];
        tok[a] = r;
        if (end < n) oh_memo_prefetch(v, r, tok[end]);
        if (prv[a] != UINT32_MAX) oh_memo_prefetch(v, tok[prv[a]], r);
        pair[b] = OH_NO_RANK;
        nxt[a] = end;
        if (end < n) prv[end] = a;
        pair[a] = OH_NO_RANK;
        if (end < n) {
            uint32_t nr = oh_pair_rank(v, tok[a], tok[end], p + a, nxt[end] - a);
            pair[a] = nr;
            if (nr != OH_NO_RANK) oh_heap_push(heap, &hlen, ((uint64_t)nr << 32) | a);
        }
        uint32_t q = prv[a];
        if (q != UINT32_MAX) {
            uint32_t pr = oh_pair_rank(v, tok[q], tok[a], p + q, end - q);
            pair[q] = pr;
            if (pr != OH_NO_RANK) oh_heap_push(heap, &hlen, ((uint64_t)pr << 32) | q);
        }
    }
    for (i = 0; i < n; i = nxt[i]) count++;
    if (oh_vec_reserve(out, count)) { err->code = OH_ENOMEM; rc = -1; goto done; }
    for (i = 0; i < n; i = nxt[i]) {
        if (tok[i] == OH_NO_RANK) { err->code = OH_EBYTE; err->byte = p[i]; rc = -1; goto done; }
        out->data[out->len++] = tok[i];
    }
done:
    free(nxt); free(prv); free(pair); free(tok); free(heap);
    return rc;
}

static inline int oh_bpe_piece(const oh_vocab *v, const uint8_t *p, size_t n, oh_vec *out, oh_err *err) {
    uint32_t r;
    if (n == 1) {
        r = v->byte_rank[p[0]];
        if (r == OH_NO_RANK) { err->code = OH_EBYTE; err->byte = p[0]; return -1; }
    } else if (n == 2) {
        r = v->pair_rank[((uint32_t)p[0] << 8) | p[1]];
    } else {
        r = oh_rank(v, p, n);
    }
    if (r != OH_NO_RANK) {
        if (oh_vec_push(out, r)) { err->code = OH_ENOMEM; return -1; }
        return 0;
    }
    if (n < OH_SMALL_PIECE) return oh_merge_small(v, p, n, out, err);
    if (n >= 0xFFFFFFF0u) { err->code = OH_ENOMEM; return -1; } /* positions are 32-bit */
    return oh_merge_large(v, p, n, out, err);
}

/* ------------------------------------------------------------------ scanner */

/* Decode the (valid) UTF-8 character at s[i]; returns its class flags, stores width. */
static inline uint8_t oh_cls_at(const uint8_t *s, size_t i, size_t *w) {
    uint8_t c = s[i];
    uint32_t cp;
    if (c < 0x80) { *w = 1; return oh_blocks[0][c]; }
    if (c < 0xE0) { cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F); *w = 2; }
    else if (c < 0xF0) { cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F); *w = 3; }
    else { cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) | ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F); *w = 4; }
    return oh_class(cp);
}

#define OH_LETTER (OH_U | OH_W)

/* Of the letters, ASCII has only a-z in W (Ll) and only A-Z in U (Lu). */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OH_SWAR 1
/* How many of the 8 bytes at p, counting from the first, are ASCII lowercase letters: per
 * byte, b < 0x80 and 'a' <= b <= 'z', tested in all 8 lanes at once (the sums stay below
 * 0x100 in each lane, so no carry crosses lanes). */
static inline size_t oh_lower_run8(const uint8_t *p) {
    const uint64_t H = 0x8080808080808080ULL, L = 0x0101010101010101ULL;
    uint64_t x = oh_load64(p), y = x & ~H;
    uint64_t in = (y + L * (0x80 - 'a')) & ~(y + L * (0x80 - 'z' - 1)) & ~x & H;
    uint64_t out = ~in & H;
    return out ? (size_t)__builtin_ctzll(out) >> 3 : 8;
}
#else
#define OH_SWAR 0
#endif

/* The letter alternatives from start q (after the optional prefix was or was not taken):
 *   alt1 = [U]*[W]+   alt2 = [U]+[W]*     (U = Lu Lt Lm Lo M, W = Ll Lm Lo M)
 * With backtracking, alt1 ends after the W run that follows the maximal U run if that
 * run is followed by an Ll; otherwise it ends right after the last char of the U run
 * that is also in W (Lm Lo M); otherwise it fails, and alt2 is the whole U run. */
static inline void oh_word(const uint8_t *s, size_t n, size_t q, size_t *alt1, size_t *alt2) {
    size_t i = q, w, last_both = 0;
    uint8_t f = 0;
    while (i < n) {
        f = oh_cls_at(s, i, &w);
        if (!(f & OH_U)) break;
        if (f & OH_W) last_both = i + w;
        i += w;
    }
    *alt1 = 0;
    *alt2 = (i > q) ? i : 0;
    if (i < n && (f & OH_W) && !(f & OH_U)) {
        /* greedy W run */
        i += w;
        for (;;) {
#if OH_SWAR
            /* most of it is ASCII lowercase, taken 8 bytes at a time */
            while (i + 8 <= n) {
                size_t k = oh_lower_run8(s + i);
                i += k;
                if (k < 8) break;
            }
#endif
            if (i >= n) break;
            f = oh_cls_at(s, i, &w);
            if (!(f & OH_W)) break;
            i += w;
        }
        *alt1 = i;
    } else if (last_both) {
        *alt1 = last_both;
    }
}

/* (?i:'s|'t|'re|'ve|'m|'ll|'d) at e; regex also folds 's' to U+017F (long s). */
static inline size_t oh_contraction(const uint8_t *s, size_t n, size_t e) {
    if (e + 1 >= n || s[e] != '\'') return e;
    uint8_t c = s[e + 1] | 0x20;
    if (c == 's' || c == 't' || c == 'm' || c == 'd') {
        if (s[e + 1] >= 0x80) goto nonascii;
        return e + 2;
    }
    if (e + 2 < n && s[e + 1] < 0x80) {
        uint8_t c2 = s[e + 2] | 0x20;
        if ((c == 'r' && c2 == 'e') || (c == 'v' && c2 == 'e') || (c == 'l' && c2 == 'l')) return e + 3;
    }
nonascii:
    if (e + 2 < n && s[e + 1] == 0xC5 && s[e + 2] == 0xBF) return e + 3;
    return e;
}

/* End (byte offset) of the o200k piece starting at p < n. */
static inline size_t oh_scan(const uint8_t *s, size_t n, size_t p) {
    size_t w0, w, i, a1p = 0, a2p = 0, a1 = 0, a2 = 0;
    uint8_t f0 = oh_cls_at(s, p, &w0), f;

    /* 1-2: words, with an optional [^\r\n\p{L}\p{N}] prefix (tried first) */
    if (f0 & (OH_P | OH_LETTER)) {
        if ((f0 & OH_P) && p + w0 < n) {
            oh_word(s, n, p + w0, &a1p, &a2p);
            if (a1p) return oh_contraction(s, n, a1p);
        }
        if (f0 & OH_LETTER) {
            oh_word(s, n, p, &a1, &a2);
            if (a1) return oh_contraction(s, n, a1);
        }
        if (a2p) return oh_contraction(s, n, a2p);
        if (a2) return oh_contraction(s, n, a2);
    }
    /* 3: \p{N}{1,3} */
    if (f0 & OH_N) {
        i = p + w0;
        for (int k = 1; k < 3 && i < n; k++) {
            f = oh_cls_at(s, i, &w);
            if (!(f & OH_N)) break;
            i += w;
        }
        return i;
    }
    /* 4: ' '?[^\s\p{L}\p{N}]+[\r\n/]* */
    int punct = 0;
    if (s[p] == ' ' && p + 1 < n) {
        f = oh_cls_at(s, p + 1, &w);
        if (f & OH_O) { i = p + 1; punct = 1; }
    }
    if (!punct && (f0 & OH_O)) { i = p; punct = 1; }
    if (punct) {
        while (i < n) {
            f = oh_cls_at(s, i, &w);
            if (!(f & OH_O)) break;
            i += w;
        }
        while (i < n && (s[i] == '\r' || s[i] == '\n' || s[i] == '/')) i++;
        return i;
    }
    /* 5-7: whitespace */
    if (f0 & OH_S) {
        size_t last_nl = 0, last_start = p, count = 0;
        i = p;
        while (i < n) {
            f = oh_cls_at(s, i, &w);
            if (!(f & OH_S)) break;
            if (s[i] == '\r' || s[i] == '\n') last_nl = i + 1;
            last_start = i;
            count++;
            i += w;
        }
        if (last_nl) return last_nl;           /* \s*[\r\n]+ */
        if (i == n || count == 1) return i;    /* \s+(?!\S) at the end, or \s+ */
        return last_start;                     /* \s+(?!\S): leave the last space */
    }
    return p + w0; /* unreachable: every character is in one of the classes above */
}

/* Pieces that need merging repeat in real text (names, identifiers, non-Latin words), in
 * one text and across texts.  Two caches remember merged pieces:
 *
 * - The piece cache, owned by the vocabulary, persists across calls: direct-mapped,
 *   one 64-byte line per entry holding the piece's bytes (up to 24) and its tokens (up
 *   to 6), overwritten on collision, so it never grows or needs clearing.  One call at a
 *   time uses it: a call takes it with an atomic exchange and gives it back at its end,
 *   and a call that finds it taken (another thread's encode_batch slice) never waits, it
 *   falls back to the second cache.  So entries are only ever read and written by the one
 *   thread holding it, and the exchange orders them between threads.
 * - The call cache, for texts of 4 KB or more, local to the call: an entry points at the
 *   piece's earlier occurrence in the text and at the tokens it produced in the output,
 *   so a hit is a compare and a copy; it holds pieces of any length. */
#define OH_PIECE_BITS 13
#define OH_PIECE_MAX_BYTES 24
#define OH_PIECE_MAX_IDS 6

typedef struct {
    uint64_t h;       /* hash of the piece; entries with len == 0 are empty */
    uint8_t len, cnt;
    uint8_t pad[6];
    uint8_t bytes[OH_PIECE_MAX_BYTES];
    uint32_t ids[OH_PIECE_MAX_IDS];
} oh_piece_ent;

typedef struct oh_piece_cache {
    volatile int busy;
    oh_piece_ent ent[(size_t)1 << OH_PIECE_BITS];
} oh_piece_cache;

#if defined(__GNUC__) || defined(__clang__)
#define OH_HAVE_PIECE_CACHE 1
static inline int oh_piece_take(oh_piece_cache *c) { return __atomic_exchange_n(&c->busy, 1, __ATOMIC_ACQUIRE) == 0; }
static inline void oh_piece_give(oh_piece_cache *c) { __atomic_store_n(&c->busy, 0, __ATOMIC_RELEASE); }
#elif defined(_MSC_VER)
#include <intrin.h>
#define OH_HAVE_PIECE_CACHE 1
static inline int oh_piece_take(oh_piece_cache *c) { return _InterlockedExchange((volatile long *)&c->busy, 1) == 0; }
static inline void oh_piece_give(oh_piece_cache *c) { _InterlockedExchange((volatile long *)&c->busy, 0); }
#else
/* no portable atomic exchange: no shared cache (oh_piece_cache_new returns NULL) */
#define OH_HAVE_PIECE_CACHE 0
static inline int oh_piece_take(oh_piece_cache *c) { (void)c; return 0; }
static inline void oh_piece_give(oh_piece_cache *c) { (void)c; }
#endif

/* A new, empty piece cache (NULL when out of memory or unsupported). */
static oh_piece_cache *oh_piece_cache_new(void) {
    if (!OH_HAVE_PIECE_CACHE) return NULL;
    return (oh_piece_cache *)calloc(1, sizeof(oh_piece_cache));
}

#define OH_CACHE_BITS 12
#define OH_CACHE_MIN_TEXT 4096

typedef struct {
    uint64_t h;
    size_t src, dst;
    uint32_t len, cnt;
} oh_cache_ent;

/* Pieces are scanned in blocks of this many before any is looked up: the scan starts the
 * table reads of the whole block (prefetch), so the lookups that follow overlap their
 * cache misses instead of waiting for each in turn. */
#define OH_BLOCK 32

/* Encode a whole buffer with no special tokens. */
static int oh_encode_ordinary(const oh_vocab *v, const uint8_t *s, size_t n, oh_vec *out, oh_err *err) {
    size_t p = 0;
    oh_cache_ent *cache = NULL;
    int use_cache = n >= OH_CACHE_MIN_TEXT;
    int rc = 0;
    oh_piece_cache *pieces = v->pieces;
    size_t ends[OH_BLOCK];
    uint64_t keys[OH_BLOCK];
    uint64_t slots[OH_BLOCK];
    if (oh_vec_reserve(out, n / 4 + 8)) { err->code = OH_ENOMEM; return -1; }
    if (pieces && !oh_piece_take(pieces)) pieces = NULL;
    while (p < n && rc == 0) {
        size_t k = 0, j, q = p;
        while (k < OH_BLOCK && q < n) {
            size_t e = oh_scan(s, n, q), len = e - q;
            if (len - 3 < 6 && v->short_tab) {
                uint64_t key = oh_pack(s + q, len);
                uint64_t i = oh_short_hash(key, len) & v->short_mask;
                keys[k] = key;
                slots[k] = i;
                OH_PREFETCH(&v->short_tab[i]);
            } else if (len > 8) {
                uint64_t h = oh_hash_bytes(s + q, len);
                keys[k] = h;
                OH_PREFETCH(&v->slots[h & v->mask]);
            }
            ends[k++] = e;
            q = e;
        }
        for (j = 0; j < k; j++) {
            size_t e = ends[j], len = e - p;
            if (len <= 2 || len >= 0xFFFFFFFFu) {
                if (oh_bpe_piece(v, s + p, len, out, err)) { rc = -1; break; }
                p = e;
                continue;
            }
            uint64_t h = 0;
            uint32_t r;
            if (len <= 8 && v->short_tab) {
                r = oh_short_probe(v, keys[j], len, slots[j]);  /* slot found while scanning */
            } else {
                h = len > 8 ? keys[j] : oh_hash_bytes(s + p, len);
                r = oh_rank_h(v, s + p, len, h);
            }
            if (r != OH_NO_RANK) {
                if (oh_vec_push(out, r)) { err->code = OH_ENOMEM; rc = -1; break; }
                p = e;
                continue;
            }
            if (len <= 8 && v->short_tab) h = oh_hash_bytes(s + p, len);
            oh_piece_ent *pe = NULL;
            oh_cache_ent *ent = NULL;
            if (pieces && len <= OH_PIECE_MAX_BYTES) {
                pe = &pieces->ent[h & (((uint64_t)1 << OH_PIECE_BITS) - 1)];
                if (pe->len == len && pe->h == h && oh_eq(pe->bytes, s + p, len)) {
                    if (oh_vec_reserve(out, pe->cnt)) { err->code = OH_ENOMEM; rc = -1; break; }
                    memcpy(out->data + out->len, pe->ids, pe->cnt * sizeof(uint32_t));
                    out->len += pe->cnt;
                    p = e;
                    continue;
                }
            } else if (use_cache) {
                if (!cache) {
                    cache = (oh_cache_ent *)calloc((size_t)1 << OH_CACHE_BITS, sizeof(oh_cache_ent));
                    if (!cache) use_cache = 0;
                }
                if (cache) {
                    ent = &cache[h & (((uint64_t)1 << OH_CACHE_BITS) - 1)];
                    if (ent->cnt && ent->h == h && ent->len == len && oh_eq(s + ent->src, s + p, len)) {
                        if (oh_vec_reserve(out, ent->cnt)) { err->code = OH_ENOMEM; rc = -1; break; }
                        memcpy(out->data + out->len, out->data + ent->dst, ent->cnt * sizeof(uint32_t));
                        out->len += ent->cnt;
                        p = e;
                        continue;
                    }
                }
            }
            size_t before = out->len;
            int m = (len < OH_SMALL_PIECE) ? oh_merge_small(v, s + p, len, out, err)
                                           : oh_merge_large(v, s + p, len, out, err);
            if (m) { rc = -1; break; }
            size_t cnt = out->len - before;
            if (pe) {
                if (cnt <= OH_PIECE_MAX_IDS) {
                    pe->h = h;
                    pe->len = (uint8_t)len;
                    pe->cnt = (uint8_t)cnt;
                    memcpy(pe->bytes, s + p, len);
                    memcpy(pe->ids, out->data + before, cnt * sizeof(uint32_t));
                }
            } else if (ent) {
                ent->h = h;
                ent->src = p;
                ent->len = (uint32_t)len;
                ent->dst = before;
                ent->cnt = (uint32_t)cnt;
            }
            p = e;
        }
    }
    if (pieces) oh_piece_give(pieces);
    free(cache);
    return rc;
}

/* ------------------------------------------------------------------ special tokens */

typedef struct {
    uint8_t first[256];   /* bytes that can start an allowed special token */
    uint32_t nlens;
    uint32_t *lens;       /* distinct lengths, longest first */
    uint32_t count;
    uint8_t *data;
    uint64_t *off;        /* count + 1 */
    uint32_t *ids;
    uint64_t *slots;      /* (hash >> 32) << 32 | (index + 1) */
    uint64_t mask;
    int single_first;     /* the only first byte, or -1 */
} oh_specials;

static inline int64_t oh_special_lookup(const oh_specials *m, const uint8_t *p, size_t n) {
    uint64_t h = oh_hash_bytes(p, n);
    uint64_t tag = h >> 32, i = h & m->mask;
    for (;;) {
        uint64_t s = m->slots[i];
        if (s == 0) return -1;
        if ((s >> 32) == tag) {
            uint32_t k = (uint32_t)s - 1;
            if (m->off[k + 1] - m->off[k] == n && memcmp(m->data + m->off[k], p, n) == 0) return k;
        }
        i = (i + 1) & m->mask;
    }
}

/* Leftmost allowed special at or after `from` (longest at that position).  Returns its
 * start, or n when there is none. */
static size_t oh_find_special(const oh_specials *m, const uint8_t *s, size_t n, size_t from,
                              size_t *len, uint32_t *id) {
    size_t p = from;
    while (p < n) {
        if (m->single_first >= 0) {
            const uint8_t *hit = (const uint8_t *)memchr(s + p, m->single_first, n - p);
            if (!hit) return n;
            p = (size_t)(hit - s);
        } else if (!m->first[s[p]]) {
            p++;
            continue;
        }
        for (uint32_t k = 0; k < m->nlens; k++) {
            size_t L = m->lens[k];
            if (L <= n - p) {
                int64_t idx = oh_special_lookup(m, s + p, L);
                if (idx >= 0) { *len = L; *id = m->ids[idx]; return p; }
            }
        }
        p++;
    }
    return n;
}

static int oh_encode_with_specials(const oh_vocab *v, const oh_specials *m, const uint8_t *s, size_t n,
                                   oh_vec *out, oh_err *err) {
    size_t p = 0;
    while (1) {
        size_t len = 0;
        uint32_t id = 0;
        size_t q = oh_find_special(m, s, n, p, &len, &id);
        if (oh_encode_ordinary(v, s + p, q - p, out, err)) return -1;
        if (q >= n) return 0;
        if (oh_vec_push(out, id)) { err->code = OH_ENOMEM; return -1; }
        p = q + len;
    }
}

#endif
