/*
 * Card patterns: a parser for the restricted syntax of cardpattern.h, a
 * compiler to Thompson NFA instructions and a Pike VM that runs them.
 *
 * Sections: character classes, parsing (to a small tree, checking the
 * restrictions), compiling (tree to instructions), matching (Pike VM), and
 * the numeric reachability question card rules ask.
 *
 * Why a tree first: counted repetition x{n,m} copies x, which is easy from a
 * tree and awkward from Thompson's fragment stack; and the nesting checks
 * (capture inside a repetition, repetition inside unbounded repetition) are
 * properties of subtrees.
 */
#include "scanner/cardpattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tree nodes a pattern may parse to (a literal is one node, so this is ample). */
#define MAX_NODES (2 * CARDPATTERN_MAX_LEN + 8)
/* Distinct character classes (one per literal, class or '.'). */
#define MAX_CLASSES (CARDPATTERN_MAX_LEN + 1)
/* Deepest group nesting: bounds the parser's recursion. */
#define MAX_DEPTH 16
/* x{n,} and friends: no upper bound. */
#define UNBOUNDED -1

/************************************************************************
 * Character classes
 */

/* A set of bytes as a 256-bit map. */
struct cclass {
	uint8_t bits[32];
};

static void cclass_add(struct cclass *c, unsigned char lo, unsigned char hi)
{
	for (unsigned b = lo; b <= hi; b++)
		c->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static bool cclass_has(const struct cclass *c, unsigned char b)
{
	return (c->bits[b >> 3] >> (b & 7)) & 1u;
}

static bool cclass_has_digit(const struct cclass *c)
{
	for (unsigned char d = '0'; d <= '9'; d++)
		if (cclass_has(c, d))
			return true;
	return false;
}

static bool is_printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Characters that must be escaped to be literals. */
static bool is_meta(unsigned char c)
{
	return strchr("\\^$.[]()|*+?{}", c) != NULL;
}

/************************************************************************
 * Parsing
 */

enum node_type {
	N_EMPTY, /* matches "" */
	N_CLASS, /* one character of classes[cls] */
	N_CAT,	 /* a then b */
	N_ALT,	 /* a or b, a preferred */
	N_REP,	 /* a, min..max times (max UNBOUNDED), greedy */
	N_CAP,	 /* a, captured */
};

struct node {
	enum node_type type;
	int a, b;	  /* children (CAT, ALT: both; REP, CAP: a) */
	int min, max;	  /* REP */
	int cls;	  /* CLASS */
	bool has_cap;	  /* the subtree holds the capture */
	bool repeats;	  /* the subtree holds a repetition with max > 1 */
	bool unbounded;	  /* the subtree holds an unbounded repetition */
	size_t prog_size; /* instructions it compiles to (capped) */
};

struct parser {
	const unsigned char *src;
	size_t pos;
	size_t len;
	struct node nodes[MAX_NODES];
	int n_nodes;
	struct cclass classes[MAX_CLASSES];
	int n_classes;
	int captures;
	char *why; /* CARDPATTERN_WHY_BUFSZ bytes, or NULL */
	bool failed;
};

/* Records the first failure with its offset; returns -1 for the caller. */
static int fail(struct parser *p, const char *what)
{
	if (!p->failed && p->why)
		snprintf(p->why, CARDPATTERN_WHY_BUFSZ, "at %zu: %s", p->pos, what);
	p->failed = true;
	return -1;
}

/* Saturating add for program sizes, so a huge tree cannot overflow. */
static size_t size_add(size_t a, size_t b)
{
	return a + b > CARDPATTERN_MAX_PROG + 1 ? CARDPATTERN_MAX_PROG + 1 : a + b;
}

static size_t size_mul(size_t a, size_t n)
{
	return n && a > (CARDPATTERN_MAX_PROG + 1) / n ? CARDPATTERN_MAX_PROG + 1
						       : size_add(a * n, 0);
}

static int new_node(struct parser *p, enum node_type type, int a, int b)
{
	struct node *n;

	if (p->n_nodes == MAX_NODES)
		return fail(p, "pattern too complex");
	n = &p->nodes[p->n_nodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->a = a;
	n->b = b;
	if (a >= 0) {
		n->has_cap = p->nodes[a].has_cap;
		n->repeats = p->nodes[a].repeats;
		n->unbounded = p->nodes[a].unbounded;
	}
	if (b >= 0) {
		n->has_cap |= p->nodes[b].has_cap;
		n->repeats |= p->nodes[b].repeats;
		n->unbounded |= p->nodes[b].unbounded;
	}
	switch (type) {
	case N_EMPTY:
		n->prog_size = 0;
		break;
	case N_CLASS:
		n->prog_size = 1;
		break;
	case N_CAT:
		n->prog_size = size_add(p->nodes[a].prog_size, p->nodes[b].prog_size);
		break;
	case N_ALT: /* SPLIT, a, JMP, b */
		n->prog_size = size_add(size_add(p->nodes[a].prog_size, p->nodes[b].prog_size), 2);
		break;
	case N_CAP: /* SAVE, a, SAVE */
		n->prog_size = size_add(p->nodes[a].prog_size, 2);
		n->has_cap = true;
		break;
	case N_REP: /* set by parse_quantifier */
		break;
	}
	return p->n_nodes++;
}

static int new_class(struct parser *p, const struct cclass *c)
{
	int node;

	if (p->n_classes == MAX_CLASSES)
		return fail(p, "pattern too complex");
	p->classes[p->n_classes] = *c;
	node = new_node(p, N_CLASS, -1, -1);
	if (node >= 0)
		p->nodes[node].cls = p->n_classes++;
	return node;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? p->src[p->pos] : -1;
}

/*
 * An escape after '\': \d, \w, or an escaped metacharacter or '-'. Adds
 * what it stands for to *c. Returns 0 or -1.
 */
static int parse_escape(struct parser *p, struct cclass *c)
{
	int e = peek(p);

	if (e < 0)
		return fail(p, "pattern ends in a backslash");
	p->pos++;
	if (e == 'd') {
		cclass_add(c, '0', '9');
	} else if (e == 'w') {
		cclass_add(c, '0', '9');
		cclass_add(c, 'A', 'Z');
		cclass_add(c, 'a', 'z');
		cclass_add(c, '_', '_');
	} else if (e >= '1' && e <= '9') {
		return fail(p, "back-references are not supported");
	} else if (is_meta((unsigned char)e) || e == '-') {
		cclass_add(c, (unsigned char)e, (unsigned char)e);
	} else {
		return fail(p, "unknown escape (allowed: \\d \\w and \\ before a metacharacter)");
	}
	return 0;
}

/* One class member: a character or an escape, as a single byte if it is one. */
static int parse_class_char(struct parser *p, struct cclass *c, int *single)
{
	int ch = peek(p);

	*single = -1;
	if (ch < 0)
		return fail(p, "unterminated [ class");
	if (ch == '\\') {
		struct cclass e;

		memset(&e, 0, sizeof(e));
		p->pos++;
		if (parse_escape(p, &e))
			return -1;
		for (int b = 0; b < 256; b++)
			if (cclass_has(&e, (unsigned char)b))
				*single = *single == -1 ? b : -2;
		if (*single < 0)
			*single = -1;
		for (size_t i = 0; i < sizeof(c->bits); i++)
			c->bits[i] |= e.bits[i];
		return 0;
	}
	if (!is_printable((unsigned char)ch))
		return fail(p, "only printable ASCII is allowed");
	p->pos++;
	*single = ch;
	cclass_add(c, (unsigned char)ch, (unsigned char)ch);
	return 0;
}

/* After '[': members up to ']'. */
static int parse_class(struct parser *p)
{
	struct cclass c;
	bool negate = false, first = true;

	memset(&c, 0, sizeof(c));
	if (peek(p) == '^') {
		negate = true;
		p->pos++;
	}
	while (peek(p) != ']' || first) {
		int lo, hi;

		if (peek(p) < 0)
			return fail(p, "unterminated [ class");
		first = false;
		if (parse_class_char(p, &c, &lo))
			return -1;
		if (lo >= 0 && peek(p) == '-' && p->pos + 1 < p->len && p->src[p->pos + 1] != ']') {
			struct cclass dummy;

			p->pos++;
			memset(&dummy, 0, sizeof(dummy));
			if (parse_class_char(p, &dummy, &hi))
				return -1;
			if (hi < 0 || hi < lo)
				return fail(p, "bad range in [ class");
			cclass_add(&c, (unsigned char)lo, (unsigned char)hi);
		}
	}
	p->pos++; /* ']' */
	if (negate) {
		for (size_t i = 0; i < sizeof(c.bits); i++)
			c.bits[i] = (uint8_t)~c.bits[i];
		/* The complement stays inside printable ASCII. */
		for (int b = 0; b < 256; b++)
			if (!is_printable((unsigned char)b))
				c.bits[b >> 3] &= (uint8_t) ~(1u << (b & 7));
	}
	return new_class(p, &c);
}

static int parse_alt(struct parser *p, int depth);

/* An atom: a group, a class, '.', an escape or a literal. */
static int parse_atom(struct parser *p, int depth)
{
	int ch = peek(p), node;
	struct cclass c;

	memset(&c, 0, sizeof(c));
	switch (ch) {
	case '(': {
		bool capture = true;

		if (depth >= MAX_DEPTH)
			return fail(p, "groups nested too deeply");
		p->pos++;
		if (peek(p) == '?') {
			if (p->pos + 1 < p->len && p->src[p->pos + 1] == ':') {
				capture = false;
				p->pos += 2;
			} else {
				return fail(p, "lookaround and (? groups other than (?: are not "
					       "supported");
			}
		}
		if (capture && ++p->captures > 1)
			return fail(p, "more than one capture: the id is the one ( ) group; "
				       "use (?: ) for the others");
		node = parse_alt(p, depth + 1);
		if (node < 0)
			return -1;
		if (peek(p) != ')')
			return fail(p, "missing )");
		p->pos++;
		return capture ? new_node(p, N_CAP, node, -1) : node;
	}
	case '[':
		p->pos++;
		return parse_class(p);
	case '.':
		p->pos++;
		cclass_add(&c, 0x20, 0x7e);
		return new_class(p, &c);
	case '\\':
		p->pos++;
		if (parse_escape(p, &c))
			return -1;
		return new_class(p, &c);
	case ')':
		return fail(p, "unbalanced )");
	case '*':
	case '+':
	case '?':
	case '{':
		return fail(p, "quantifier with nothing to repeat");
	case '^':
	case '$':
		return fail(p, "^ and $ only at the very start and end");
	case ']':
	case '}':
		return fail(p, "unescaped ] or }");
	default:
		if (ch < 0 || !is_printable((unsigned char)ch))
			return fail(p, "only printable ASCII is allowed");
		p->pos++;
		cclass_add(&c, (unsigned char)ch, (unsigned char)ch);
		return new_class(p, &c);
	}
}

/* A decimal count up to CARDPATTERN_MAX_COUNT; returns it or -1. */
static int parse_count(struct parser *p)
{
	int n = 0;
	size_t start = p->pos;

	while (peek(p) >= '0' && peek(p) <= '9') {
		n = n * 10 + (peek(p) - '0');
		if (n > CARDPATTERN_MAX_COUNT)
			return fail(p, "count above 64 in { }");
		p->pos++;
	}
	return p->pos == start ? fail(p, "bad { } count") : n;
}

/* Reads the quantifier at p->pos, if any, into *min and *max. Returns 1, 0 (none) or -1. */
static int parse_quantifier(struct parser *p, int *min, int *max)
{
	switch (peek(p)) {
	case '?':
		*min = 0, *max = 1;
		break;
	case '*':
		*min = 0, *max = UNBOUNDED;
		break;
	case '+':
		*min = 1, *max = UNBOUNDED;
		break;
	case '{':
		p->pos++;
		if ((*min = parse_count(p)) < 0)
			return -1;
		*max = *min;
		if (peek(p) == ',') {
			p->pos++;
			*max = peek(p) == '}' ? UNBOUNDED : parse_count(p);
			if (p->failed)
				return -1;
		}
		if (peek(p) != '}')
			return fail(p, "missing } in count");
		if (*max != UNBOUNDED && *max < *min)
			return fail(p, "{n,m} with m < n");
		break;
	default:
		return 0;
	}
	p->pos++;
	return 1;
}

/* An atom and its quantifier, checked against the nesting restrictions. */
static int parse_repeat(struct parser *p, int depth)
{
	int atom = parse_atom(p, depth), min, max, q, node;
	const struct node *a;
	struct node *n;
	size_t body, extra;

	if (atom < 0)
		return -1;
	q = parse_quantifier(p, &min, &max);
	if (q <= 0)
		return q < 0 ? -1 : atom;
	if (peek(p) == '?' || peek(p) == '+')
		return fail(p, "lazy and possessive quantifiers are not supported");
	if (peek(p) == '*' || peek(p) == '{')
		return fail(p, "a quantifier on a quantifier");
	a = &p->nodes[atom];
	if (a->has_cap)
		return fail(p, "the capture may not be repeated or optional");
	if ((max == UNBOUNDED && a->repeats) || (a->unbounded && max != 1))
		return fail(p, "nested repetition (could take exponential time in backtracking "
			       "engines); write it without repeating a repeated group");
	node = new_node(p, N_REP, atom, -1);
	if (node < 0)
		return -1;
	n = &p->nodes[node];
	a = &p->nodes[atom];
	n->min = min;
	n->max = max;
	n->repeats |= max == UNBOUNDED || max > 1;
	n->unbounded |= max == UNBOUNDED;
	/* min copies, then per optional copy SPLIT + body, or SPLIT body JMP. */
	body = a->prog_size;
	extra =
	    max == UNBOUNDED ? size_add(body, 2) : size_mul(size_add(body, 1), (size_t)(max - min));
	n->prog_size = size_add(size_mul(body, (size_t)min), extra);
	if (n->prog_size > CARDPATTERN_MAX_PROG)
		return fail(p, "pattern compiles to too many instructions (a count too large?)");
	return node;
}

/* A sequence of repeats up to '|', ')' or the end. */
static int parse_cat(struct parser *p, int depth)
{
	int left = -1;

	while (peek(p) >= 0 && peek(p) != '|' && peek(p) != ')') {
		int right;

		if (peek(p) == '$' && p->pos + 1 == p->len && depth == 0) {
			p->pos++;
			break;
		}
		right = parse_repeat(p, depth);
		if (right < 0)
			return -1;
		left = left < 0 ? right : new_node(p, N_CAT, left, right);
		if (left < 0)
			return -1;
	}
	return left < 0 ? new_node(p, N_EMPTY, -1, -1) : left;
}

static int parse_alt(struct parser *p, int depth)
{
	int left = parse_cat(p, depth);

	while (left >= 0 && peek(p) == '|') {
		int right;

		p->pos++;
		right = parse_cat(p, depth);
		if (right < 0)
			return -1;
		left = new_node(p, N_ALT, left, right);
	}
	if (left >= 0 && p->nodes[left].prog_size > CARDPATTERN_MAX_PROG)
		return fail(p, "pattern compiles to too many instructions");
	return left;
}

/************************************************************************
 * Compiling
 */

enum op {
	OP_CLASS, /* consume one byte of classes[x] */
	OP_SPLIT, /* go on at x (preferred) and at y */
	OP_JMP,	  /* go on at x */
	OP_SAVE,  /* record the position in capture slot x */
	OP_MATCH, /* the whole pattern matched */
};

struct inst {
	uint8_t op;
	uint16_t x, y;
};

struct cardpattern {
	struct inst prog[CARDPATTERN_MAX_PROG + 1]; /* + MATCH */
	size_t n_prog;
	struct cclass *classes; /* owned */
	bool *class_digit;	/* owned: whether each class holds a digit */
	int n_classes;
};

static size_t emit(struct cardpattern *cp, enum op op, size_t x, size_t y)
{
	cp->prog[cp->n_prog] = (struct inst){(uint8_t)op, (uint16_t)x, (uint16_t)y};
	return cp->n_prog++;
}

/* Emits node's code; the parser has checked that it fits. */
static void compile_node(struct cardpattern *cp, const struct parser *p, int index)
{
	const struct node *n = &p->nodes[index];
	size_t split, jmp, loop;

	switch (n->type) {
	case N_EMPTY:
		break;
	case N_CLASS:
		emit(cp, OP_CLASS, (size_t)n->cls, 0);
		break;
	case N_CAT:
		compile_node(cp, p, n->a);
		compile_node(cp, p, n->b);
		break;
	case N_ALT:
		split = emit(cp, OP_SPLIT, 0, 0);
		cp->prog[split].x = (uint16_t)cp->n_prog;
		compile_node(cp, p, n->a);
		jmp = emit(cp, OP_JMP, 0, 0);
		cp->prog[split].y = (uint16_t)cp->n_prog;
		compile_node(cp, p, n->b);
		cp->prog[jmp].x = (uint16_t)cp->n_prog;
		break;
	case N_CAP:
		emit(cp, OP_SAVE, 0, 0);
		compile_node(cp, p, n->a);
		emit(cp, OP_SAVE, 1, 0);
		break;
	case N_REP: {
		size_t splits[CARDPATTERN_MAX_COUNT];
		int optional = n->max == UNBOUNDED ? 0 : n->max - n->min;

		for (int i = 0; i < n->min; i++)
			compile_node(cp, p, n->a);
		if (n->max == UNBOUNDED) {
			loop = emit(cp, OP_SPLIT, 0, 0);
			cp->prog[loop].x = (uint16_t)cp->n_prog;
			compile_node(cp, p, n->a);
			emit(cp, OP_JMP, loop, 0);
			cp->prog[loop].y = (uint16_t)cp->n_prog;
			break;
		}
		/* x{0,k}: each optional copy may be skipped, and skipping one
		 * skips the rest, so every SPLIT's way out is the end. */
		for (int i = 0; i < optional; i++) {
			splits[i] = emit(cp, OP_SPLIT, 0, 0);
			cp->prog[splits[i]].x = (uint16_t)cp->n_prog;
			compile_node(cp, p, n->a);
		}
		for (int i = 0; i < optional; i++)
			cp->prog[splits[i]].y = (uint16_t)cp->n_prog;
		break;
	}
	}
}

void cardpattern_destroy(struct cardpattern *cp)
{
	if (!cp)
		return;
	free(cp->class_digit);
	free(cp->classes);
	free(cp);
}

int cardpattern_compile(const char *src, struct cardpattern **out, char *why)
{
	struct parser *p = NULL;
	struct cardpattern *cp = NULL;
	int root, rc = -1;

	if (out)
		*out = NULL;
	if (why)
		why[0] = '\0';
	if (!src || !out) {
		if (why)
			snprintf(why, CARDPATTERN_WHY_BUFSZ, "no pattern");
		return -1;
	}
	p = calloc(1, sizeof(*p));
	cp = calloc(1, sizeof(*cp));
	if (!p || !cp) {
		if (why)
			snprintf(why, CARDPATTERN_WHY_BUFSZ, "out of memory");
		goto out;
	}
	p->src = (const unsigned char *)src;
	p->len = strlen(src);
	p->why = why;
	if (p->len > CARDPATTERN_MAX_LEN) {
		fail(p, "pattern longer than 256 characters");
		goto out;
	}
	if (peek(p) == '^')
		p->pos++;
	root = parse_alt(p, 0);
	if (root < 0)
		goto out;
	if (p->pos != p->len) {
		fail(p, peek(p) == ')' ? "unbalanced )" : "unexpected character");
		goto out;
	}
	if (p->captures != 1) {
		fail(p, "no capture: put the id in one ( ) group");
		goto out;
	}
	cp->classes = malloc(sizeof(*cp->classes) * (size_t)(p->n_classes ? p->n_classes : 1));
	cp->class_digit =
	    malloc(sizeof(*cp->class_digit) * (size_t)(p->n_classes ? p->n_classes : 1));
	if (!cp->classes || !cp->class_digit) {
		fail(p, "out of memory");
		goto out;
	}
	memcpy(cp->classes, p->classes, sizeof(*cp->classes) * (size_t)p->n_classes);
	for (int i = 0; i < p->n_classes; i++)
		cp->class_digit[i] = cclass_has_digit(&cp->classes[i]);
	cp->n_classes = p->n_classes;
	compile_node(cp, p, root);
	emit(cp, OP_MATCH, 0, 0);
	*out = cp;
	cp = NULL;
	rc = 0;
out:
	cardpattern_destroy(cp);
	free(p);
	return rc;
}

/************************************************************************
 * Matching
 *
 * Pike VM: the threads alive at a position are at distinct instructions, in
 * priority order; each step moves them all over one byte. A thread is added
 * once per step (the mark), which also stops empty loops.
 */

struct thread {
	uint16_t pc;
	int32_t cap[2];
};

struct thread_list {
	struct thread t[CARDPATTERN_MAX_PROG + 1];
	size_t n;
};

struct vm {
	const struct cardpattern *cp;
	uint32_t mark[CARDPATTERN_MAX_PROG + 1]; /* step + 1 at which pc was added */
	uint32_t step;
};

/* Adds pc and everything reachable from it without consuming, in priority order. */
static void add_thread(struct vm *vm, struct thread_list *l, size_t pc, int32_t cap0, int32_t cap1,
		       int32_t pos)
{
	const struct inst *in = &vm->cp->prog[pc];

	if (vm->mark[pc] == vm->step)
		return;
	vm->mark[pc] = vm->step;
	switch (in->op) {
	case OP_JMP:
		add_thread(vm, l, in->x, cap0, cap1, pos);
		break;
	case OP_SPLIT:
		add_thread(vm, l, in->x, cap0, cap1, pos);
		add_thread(vm, l, in->y, cap0, cap1, pos);
		break;
	case OP_SAVE:
		add_thread(vm, l, pc + 1, in->x == 0 ? pos : cap0, in->x == 1 ? pos : cap1, pos);
		break;
	default:
		l->t[l->n++] = (struct thread){(uint16_t)pc, {cap0, cap1}};
		break;
	}
}

/*
 * Runs the VM over len bytes. A byte is s[i] while i < k; beyond that
 * (numeric mode, s may be NULL) every digit at once. Returns whether the end
 * was matched, with the capture of the highest-priority match.
 */
static bool run(const struct cardpattern *cp, const uint8_t *s, size_t k, size_t len,
		int32_t cap[2])
{
	/* About 14 KiB on the stack: matching allocates nothing. */
	struct vm st_vm;
	struct thread_list lists[2];
	struct vm *vm = &st_vm;
	struct thread_list *cur, *next;
	bool matched = false;

	memset(vm->mark, 0, sizeof(vm->mark));
	vm->cp = cp;
	vm->step = 1;
	cur = &lists[0];
	next = &lists[1];
	cur->n = 0;
	add_thread(vm, cur, 0, -1, -1, 0);
	for (size_t i = 0; i <= len && cur->n; i++) {
		next->n = 0;
		vm->step++;
		for (size_t t = 0; t < cur->n; t++) {
			const struct thread *th = &cur->t[t];
			const struct inst *in = &cp->prog[th->pc];

			if (in->op == OP_MATCH) {
				if (i == len) {
					cap[0] = th->cap[0];
					cap[1] = th->cap[1];
					matched = true;
					break; /* lower-priority threads lose */
				}
				continue;
			}
			if (i == len)
				continue;
			if (i < k ? cclass_has(&cp->classes[in->x], s[i]) : cp->class_digit[in->x])
				add_thread(vm, next, th->pc + 1u, th->cap[0], th->cap[1],
					   (int32_t)(i + 1));
		}
		if (matched)
			break;
		struct thread_list *tmp = cur;
		cur = next;
		next = tmp;
	}
	return matched;
}

bool cardpattern_match(const struct cardpattern *p, const uint8_t *s, size_t len, size_t *cap_off,
		       size_t *cap_len)
{
	int32_t cap[2] = {-1, -1};

	if (cap_off)
		*cap_off = 0;
	if (cap_len)
		*cap_len = 0;
	if (!p || (!s && len) || len > INT32_MAX - 1)
		return false;
	if (!run(p, s, len, len, cap))
		return false;
	if (cap[0] >= 0 && cap[1] >= cap[0]) {
		if (cap_off)
			*cap_off = (size_t)cap[0];
		if (cap_len)
			*cap_len = (size_t)(cap[1] - cap[0]);
	}
	return true;
}

/************************************************************************
 * Numeric reachability
 */

bool cardpattern_accepts_numeric(const struct cardpattern *p, const char *start, size_t k,
				 size_t len)
{
	int32_t cap[2];

	if (!p || k > len || (!start && k) || len > INT32_MAX - 1)
		return false;
	return run(p, (const uint8_t *)start, k, len, cap);
}
