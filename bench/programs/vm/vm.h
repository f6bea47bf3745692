/* The guest machine shared by vm_switch.c and vm_tail.c.
 *
 * A register machine with 16 64-bit registers, a 256-word data memory and
 * 32-bit instructions: op | a << 8 | b << 16 | c << 24, where some ops read a
 * 16-bit immediate from bits 16..31 instead of b and c. Branch offsets are
 * relative to the next instruction. Register fields are masked to 0..15 and
 * memory addresses to 0..255, so no guest program can step outside.
 *
 * run(n) builds the guest program below, puts n in r0, and runs it; the
 * guest's HALT value is the checksum. Both interpreters must agree on it. */
#ifndef BENCH_VM_H
#define BENCH_VM_H

#include <stdint.h>
#include <string.h>

int64_t run(int32_t n);

enum {
    OP_HALT,  /* return r[a] */
    OP_LI,    /* r[a] = sign-extended imm16 */
    OP_LIH,   /* r[a] = r[a] << 16 | imm16 */
    OP_MOV,   /* r[a] = r[b] */
    OP_ADD,   /* r[a] = r[b] + r[c] */
    OP_SUB,   /* r[a] = r[b] - r[c] */
    OP_MUL,   /* r[a] = r[b] * r[c] */
    OP_AND,   /* r[a] = r[b] & r[c] */
    OP_XOR,   /* r[a] = r[b] ^ r[c] */
    OP_SHL,   /* r[a] = r[b] << (r[c] & 63) */
    OP_SHR,   /* r[a] = r[b] >> (r[c] & 63), logical */
    OP_ADDI,  /* r[a] = r[b] + simm8(c) */
    OP_ANDI,  /* r[a] = r[b] & imm8(c) */
    OP_SHRI,  /* r[a] = r[b] >> (c & 63), logical */
    OP_LOAD,  /* r[a] = mem[(r[b] + simm8(c)) & 255] */
    OP_STORE, /* mem[(r[b] + simm8(c)) & 255] = r[a] */
    OP_JMP,   /* pc += simm16 */
    OP_BEQZ,  /* if r[a] == 0: pc += simm16 */
    OP_BLT,   /* if r[a] < r[b] (signed): pc += simm8(c) */
    OP_BNE,   /* if r[a] != r[b]: pc += simm8(c) */
    OP_COUNT
};

#define VM_MEM_WORDS 256
#define VM_MAX_CODE 128

#define F_A(insn) (((insn) >> 8) & 15)
#define F_B(insn) (((insn) >> 16) & 15)
#define F_C(insn) (((insn) >> 24) & 255)
#define F_SC(insn) ((int64_t)(int8_t)((insn) >> 24))
#define F_IMM(insn) ((insn) >> 16)
#define F_SIMM(insn) ((int32_t)(int16_t)((insn) >> 16))

typedef struct {
    uint32_t code[VM_MAX_CODE];
    uint32_t len;
} vm_program;

static uint32_t vm_emit(vm_program *p, uint32_t op, uint32_t a, uint32_t b, uint32_t c) {
    if (p->len >= VM_MAX_CODE) __builtin_trap();
    p->code[p->len] = op | a << 8 | b << 16 | (c & 255) << 24;
    return p->len++;
}

static uint32_t vm_emit_imm(vm_program *p, uint32_t op, uint32_t a, uint32_t imm) {
    if (p->len >= VM_MAX_CODE) __builtin_trap();
    p->code[p->len] = op | a << 8 | (imm & 0xffff) << 16;
    return p->len++;
}

/* point the branch at `at` to `target` */
static void vm_patch(vm_program *p, uint32_t at, uint32_t target) {
    int32_t off = (int32_t)target - (int32_t)(at + 1);
    uint32_t op = p->code[at] & 255;
    if (op == OP_BLT || op == OP_BNE) {
        if (off < -128 || off > 127) __builtin_trap();
        p->code[at] = (p->code[at] & 0x00ffffffu) | ((uint32_t)off & 255) << 24;
    } else {
        p->code[at] = (p->code[at] & 0xffffu) | ((uint32_t)off & 0xffff) << 16;
    }
}

static void vm_load_const(vm_program *p, uint32_t reg, uint64_t value) {
    vm_emit_imm(p, OP_LI, reg, (uint32_t)(value >> 48));
    vm_emit_imm(p, OP_LIH, reg, (uint32_t)(value >> 32));
    vm_emit_imm(p, OP_LIH, reg, (uint32_t)(value >> 16));
    vm_emit_imm(p, OP_LIH, reg, (uint32_t)value);
}

/* The guest: n rounds of a 64-bit LCG step, a read-modify-write of a memory
 * word picked by the state, a data-dependent branch and a short
 * data-dependent inner loop; then a fold over memory.
 *
 *   r0 = n, r1 = i, r2 = state, r3 = acc, r10/r11 = LCG constants
 *   loop:  state = state * r10 + r11; x = state >> 33; w = mem[x & 255] += x
 *          if x & 1: acc = (acc ^ w) + 1  else: acc = acc + w
 *          k = x & 7; while k != 0: acc ^= acc >> 7; acc += k; k -= 1
 *          i += 1; if i < n goto loop
 *   fold:  for j in 0..256: acc = (acc ^ mem[j]) * r10
 *   halt acc */
static void vm_build_guest(vm_program *p) {
    p->len = 0;
    vm_load_const(p, 10, 0x5851F42D4C957F2Dull);
    vm_load_const(p, 11, 0x14057B7EF767814Full);
    vm_emit_imm(p, OP_LI, 1, 0);
    vm_emit_imm(p, OP_LI, 2, 1);
    vm_emit_imm(p, OP_LI, 3, 0);
    uint32_t skip = vm_emit(p, OP_BLT, 1, 0, 0); /* enter the loop only if 0 < n */
    uint32_t to_fold = vm_emit_imm(p, OP_JMP, 0, 0);
    uint32_t loop = p->len;
    vm_patch(p, skip, loop);
    vm_emit(p, OP_MUL, 2, 2, 10);
    vm_emit(p, OP_ADD, 2, 2, 11);
    vm_emit(p, OP_SHRI, 4, 2, 33);
    vm_emit(p, OP_LOAD, 6, 4, 0);
    vm_emit(p, OP_ADD, 6, 6, 4);
    vm_emit(p, OP_STORE, 6, 4, 0);
    vm_emit(p, OP_ANDI, 7, 4, 1);
    uint32_t to_even = vm_emit_imm(p, OP_BEQZ, 7, 0);
    vm_emit(p, OP_XOR, 3, 3, 6);
    vm_emit(p, OP_ADDI, 3, 3, 1);
    uint32_t to_join = vm_emit_imm(p, OP_JMP, 0, 0);
    vm_patch(p, to_even, p->len);
    vm_emit(p, OP_ADD, 3, 3, 6);
    vm_patch(p, to_join, p->len);
    vm_emit(p, OP_ANDI, 7, 4, 7);
    vm_emit_imm(p, OP_LI, 8, 7);
    uint32_t inner = p->len;
    uint32_t to_done = vm_emit_imm(p, OP_BEQZ, 7, 0);
    vm_emit(p, OP_SHR, 9, 3, 8);
    vm_emit(p, OP_XOR, 3, 3, 9);
    vm_emit(p, OP_ADD, 3, 3, 7);
    vm_emit(p, OP_ADDI, 7, 7, (uint32_t)-1);
    uint32_t back = vm_emit_imm(p, OP_JMP, 0, 0);
    vm_patch(p, back, inner);
    vm_patch(p, to_done, p->len);
    vm_emit(p, OP_ADDI, 1, 1, 1);
    uint32_t again = vm_emit(p, OP_BLT, 1, 0, 0);
    vm_patch(p, again, loop);
    vm_patch(p, to_fold, p->len);
    vm_emit_imm(p, OP_LI, 5, 0);
    vm_emit_imm(p, OP_LI, 12, VM_MEM_WORDS);
    uint32_t fold = p->len;
    vm_emit(p, OP_LOAD, 6, 5, 0);
    vm_emit(p, OP_XOR, 3, 3, 6);
    vm_emit(p, OP_MUL, 3, 3, 10);
    vm_emit(p, OP_ADDI, 5, 5, 1);
    uint32_t fold_again = vm_emit(p, OP_BLT, 5, 12, 0);
    vm_patch(p, fold_again, fold);
    vm_emit(p, OP_HALT, 3, 0, 0);
}

#endif
