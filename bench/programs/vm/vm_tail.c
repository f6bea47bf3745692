/* The guest VM of vm.h, dispatched by tail calls: every handler ends by
 * calling the handler of the next instruction with [[clang::musttail]], which
 * compiles to return_call_indirect in Wasm (-mtail-call) and to a jump natively. */
#include "vm.h"

typedef int64_t (*handler)(const uint32_t *pc, int64_t *r, int64_t *mem);

static const handler handlers[256];

#define HANDLER(name) static int64_t name(const uint32_t *pc, int64_t *r, int64_t *mem)
#define INSN (*pc)
/* continue at `target` */
#define GOTO(target) \
    do { \
        const uint32_t *next_ = (target); \
        [[clang::musttail]] return handlers[*next_ & 255](next_, r, mem); \
    } while (0)
#define NEXT() GOTO(pc + 1)

HANDLER(op_halt) {
    (void)mem;
    return r[F_A(INSN)];
}
HANDLER(op_li) {
    r[F_A(INSN)] = F_SIMM(INSN);
    NEXT();
}
HANDLER(op_lih) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_A(INSN)] << 16 | F_IMM(INSN));
    NEXT();
}
HANDLER(op_mov) {
    r[F_A(INSN)] = r[F_B(INSN)];
    NEXT();
}
HANDLER(op_add) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] + (uint64_t)r[F_C(INSN) & 15]);
    NEXT();
}
HANDLER(op_sub) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] - (uint64_t)r[F_C(INSN) & 15]);
    NEXT();
}
HANDLER(op_mul) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] * (uint64_t)r[F_C(INSN) & 15]);
    NEXT();
}
HANDLER(op_and) {
    r[F_A(INSN)] = r[F_B(INSN)] & r[F_C(INSN) & 15];
    NEXT();
}
HANDLER(op_xor) {
    r[F_A(INSN)] = r[F_B(INSN)] ^ r[F_C(INSN) & 15];
    NEXT();
}
HANDLER(op_shl) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] << (r[F_C(INSN) & 15] & 63));
    NEXT();
}
HANDLER(op_shr) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] >> (r[F_C(INSN) & 15] & 63));
    NEXT();
}
HANDLER(op_addi) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] + (uint64_t)F_SC(INSN));
    NEXT();
}
HANDLER(op_andi) {
    r[F_A(INSN)] = r[F_B(INSN)] & (int64_t)F_C(INSN);
    NEXT();
}
HANDLER(op_shri) {
    r[F_A(INSN)] = (int64_t)((uint64_t)r[F_B(INSN)] >> (F_C(INSN) & 63));
    NEXT();
}
HANDLER(op_load) {
    r[F_A(INSN)] = mem[(uint64_t)(r[F_B(INSN)] + F_SC(INSN)) & (VM_MEM_WORDS - 1)];
    NEXT();
}
HANDLER(op_store) {
    mem[(uint64_t)(r[F_B(INSN)] + F_SC(INSN)) & (VM_MEM_WORDS - 1)] = r[F_A(INSN)];
    NEXT();
}
HANDLER(op_jmp) { GOTO(pc + 1 + F_SIMM(INSN)); }
HANDLER(op_beqz) {
    if (r[F_A(INSN)] == 0) GOTO(pc + 1 + F_SIMM(INSN));
    NEXT();
}
HANDLER(op_blt) {
    if (r[F_A(INSN)] < r[F_B(INSN)]) GOTO(pc + 1 + F_SC(INSN));
    NEXT();
}
HANDLER(op_bne) {
    if (r[F_A(INSN)] != r[F_B(INSN)]) GOTO(pc + 1 + F_SC(INSN));
    NEXT();
}
HANDLER(op_invalid) {
    (void)pc, (void)r, (void)mem;
    __builtin_trap();
}

#define INVALID4 op_invalid, op_invalid, op_invalid, op_invalid
#define INVALID16 INVALID4, INVALID4, INVALID4, INVALID4
#define INVALID64 INVALID16, INVALID16, INVALID16, INVALID16

static const handler handlers[256] = {
    op_halt, op_li, op_lih, op_mov, op_add, op_sub, op_mul, op_and, op_xor, op_shl, op_shr, op_addi,
    op_andi, op_shri, op_load, op_store, op_jmp, op_beqz, op_blt, op_bne,
    /* 20..255 */
    INVALID4, INVALID4, INVALID4, INVALID16, INVALID16, INVALID64, INVALID64, INVALID64,
};

_Static_assert(OP_COUNT == 20, "the handler table lists 20 opcodes");

int64_t run(int32_t n) {
    vm_program p;
    int64_t r[16], mem[VM_MEM_WORDS];
    vm_build_guest(&p);
    memset(r, 0, sizeof r);
    memset(mem, 0, sizeof mem);
    r[0] = n;
    return handlers[p.code[0] & 255](p.code, r, mem);
}
