/* The guest VM of vm.h, dispatched by a switch in a loop. */
#include "vm.h"

static int64_t interpret(const uint32_t *code, int64_t *r, int64_t *mem) {
    const uint32_t *pc = code;
    for (;;) {
        uint32_t insn = *pc++;
        switch (insn & 255) {
        case OP_HALT: return r[F_A(insn)];
        case OP_LI: r[F_A(insn)] = F_SIMM(insn); break;
        case OP_LIH: r[F_A(insn)] = (int64_t)((uint64_t)r[F_A(insn)] << 16 | F_IMM(insn)); break;
        case OP_MOV: r[F_A(insn)] = r[F_B(insn)]; break;
        case OP_ADD: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] + (uint64_t)r[F_C(insn) & 15]); break;
        case OP_SUB: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] - (uint64_t)r[F_C(insn) & 15]); break;
        case OP_MUL: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] * (uint64_t)r[F_C(insn) & 15]); break;
        case OP_AND: r[F_A(insn)] = r[F_B(insn)] & r[F_C(insn) & 15]; break;
        case OP_XOR: r[F_A(insn)] = r[F_B(insn)] ^ r[F_C(insn) & 15]; break;
        case OP_SHL: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] << (r[F_C(insn) & 15] & 63)); break;
        case OP_SHR: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] >> (r[F_C(insn) & 15] & 63)); break;
        case OP_ADDI: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] + (uint64_t)F_SC(insn)); break;
        case OP_ANDI: r[F_A(insn)] = r[F_B(insn)] & (int64_t)F_C(insn); break;
        case OP_SHRI: r[F_A(insn)] = (int64_t)((uint64_t)r[F_B(insn)] >> (F_C(insn) & 63)); break;
        case OP_LOAD: r[F_A(insn)] = mem[(uint64_t)(r[F_B(insn)] + F_SC(insn)) & (VM_MEM_WORDS - 1)]; break;
        case OP_STORE: mem[(uint64_t)(r[F_B(insn)] + F_SC(insn)) & (VM_MEM_WORDS - 1)] = r[F_A(insn)]; break;
        case OP_JMP: pc += F_SIMM(insn); break;
        case OP_BEQZ:
            if (r[F_A(insn)] == 0) pc += F_SIMM(insn);
            break;
        case OP_BLT:
            if (r[F_A(insn)] < r[F_B(insn)]) pc += F_SC(insn);
            break;
        case OP_BNE:
            if (r[F_A(insn)] != r[F_B(insn)]) pc += F_SC(insn);
            break;
        default: __builtin_trap();
        }
    }
}

int64_t run(int32_t n) {
    vm_program p;
    int64_t r[16], mem[VM_MEM_WORDS];
    vm_build_guest(&p);
    memset(r, 0, sizeof r);
    memset(mem, 0, sizeof mem);
    r[0] = n;
    return interpret(p.code, r, mem);
}
