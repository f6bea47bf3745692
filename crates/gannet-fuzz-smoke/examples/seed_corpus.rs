//! Writes small valid modules (from `wasm-smith`, seeded) into a directory, as a starting
//! corpus for the `parse_validate_instantiate` fuzz target:
//! `cargo run -p gannet-fuzz-smoke --example seed_corpus -- DIR [COUNT]`.

use arbitrary::Unstructured;
use gannet_fuzz_smoke::{differential, seed_bytes};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: seed_corpus DIR [COUNT]");
    let count: u64 = args.next().map_or(40, |n| n.parse().expect("COUNT is a number"));
    std::fs::create_dir_all(&dir).expect("cannot create the directory");
    let mut written = 0;
    for seed in 0.. {
        if written == count {
            break;
        }
        let data = seed_bytes(seed, 1024);
        let mut u = Unstructured::new(&data);
        let Ok(mut config) = differential::smith_config(&mut u) else { continue };
        config.max_imports = 5;
        config.max_funcs = config.max_funcs.min(8);
        config.max_instructions = config.max_instructions.min(60);
        let Ok(module) = wasm_smith::Module::new(config, &mut u) else { continue };
        let wasm = module.to_bytes();
        if wasm.len() > 2048 {
            continue;
        }
        std::fs::write(format!("{dir}/smith-{seed:04}.wasm"), wasm).expect("cannot write");
        written += 1;
    }
}
