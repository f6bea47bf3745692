//! Start-up: how long each engine takes to parse and instantiate a large module in its
//! lazy mode, the case of a big application (a compiler, a language runtime) that runs
//! only a small part of its code. The large module is made from a real program of the
//! suite by appending copies of its function bodies as extra functions until the module
//! reaches the asked size: real compiled code, of which only the original part runs, so
//! the program's own checksum still checks the result.

use std::fmt::Write as _;

/// The limit on functions wasmparser (and so most engines) accepts.
const MAX_FUNCTIONS: usize = 1_000_000;

/// What `amplify` made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Amplified {
    pub bytes_len: usize,
    pub defined_functions: usize,
    pub copies: usize,
}

fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Result<u32, String> {
    let mut result: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*pos).ok_or("truncated LEB128 number")?;
        *pos += 1;
        result |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(result).map_err(|_| "LEB128 number out of range".to_string());
        }
    }
    Err("LEB128 number too long".to_string())
}

fn write_leb_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The items of a vector section: its count, then `count` items each read by `item`,
/// returned as raw byte slices.
fn vector_items(content: &[u8], item: impl Fn(&[u8], &mut usize) -> Result<(), String>) -> Result<Vec<&[u8]>, String> {
    let mut pos = 0;
    let count = read_leb_u32(content, &mut pos)? as usize;
    let mut items = Vec::with_capacity(count.min(content.len()));
    for _ in 0..count {
        let start = pos;
        item(content, &mut pos)?;
        items.push(content.get(start..pos).ok_or("item runs past its section")?);
    }
    if pos != content.len() {
        return Err("bytes left over at the end of a section".to_string());
    }
    Ok(items)
}

/// The number of imported functions and the function names of `wasm`'s name section.
fn imports_and_names(wasm: &[u8]) -> Result<(u32, Vec<(u32, String)>), String> {
    let mut imported = 0;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.map_err(|e| e.to_string())?.ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(reader) = reader.as_known() {
                    for subsection in reader {
                        if let wasmparser::Name::Function(map) = subsection.map_err(|e| e.to_string())? {
                            for naming in map {
                                let naming = naming.map_err(|e| e.to_string())?;
                                names.push((naming.index, naming.name.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok((imported, names))
}

/// A name section naming every function: the original names, and for the copies the
/// name of the function copied with the copy's number (`f` and the index where the
/// original has no name). Real programs usually carry such a section.
fn name_section(imported: u32, defined: u32, copies: usize, names: &[(u32, String)]) -> Vec<u8> {
    let names: std::collections::HashMap<u32, &str> = names.iter().map(|(i, n)| (*i, n.as_str())).collect();
    let name_of = |index: u32| names.get(&index).map(|n| n.to_string());
    let mut map = Vec::new();
    let total = imported + defined * (copies as u32 + 1);
    write_leb_u32(&mut map, total);
    for index in 0..total {
        let name = if index < imported + defined {
            name_of(index).unwrap_or_else(|| format!("f{index}"))
        } else {
            let original = imported + (index - imported) % defined;
            let copy = (index - imported) / defined;
            format!("{}.copy{copy}", name_of(original).unwrap_or_else(|| format!("f{original}")))
        };
        write_leb_u32(&mut map, index);
        write_leb_u32(&mut map, name.len() as u32);
        map.extend_from_slice(name.as_bytes());
    }
    let mut content = Vec::new();
    write_leb_u32(&mut content, 4);
    content.extend_from_slice(b"name");
    content.push(1); // the function names subsection
    write_leb_u32(&mut content, map.len() as u32);
    content.extend_from_slice(&map);
    content
}

fn is_name_section(content: &[u8]) -> bool {
    content.starts_with(b"\x04name")
}

/// `wasm` with copies of its defined functions appended (same types, same bodies) until
/// it is at least `target_len` bytes long, and a name section naming every function
/// (in place of the module's own). The copies are not exported or referenced; everything
/// else (imports, exports, data) is kept as it was.
pub fn amplify(wasm: &[u8], target_len: usize) -> Result<(Vec<u8>, Amplified), String> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a WebAssembly 1.0 binary module".to_string());
    }
    let mut sections: Vec<(u8, &[u8])> = Vec::new();
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = read_leb_u32(wasm, &mut pos)? as usize;
        let content = wasm.get(pos..pos + size).ok_or("a section runs past the end of the module")?;
        sections.push((id, content));
        pos += size;
    }
    let section = |id: u8| sections.iter().find(|(i, _)| *i == id).map(|(_, c)| *c);
    let skip_leb = |bytes: &[u8], pos: &mut usize| read_leb_u32(bytes, pos).map(drop);
    let types = vector_items(section(3).ok_or("the module defines no functions")?, skip_leb)?;
    let bodies = vector_items(section(10).ok_or("the module has no code section")?, |bytes, pos| {
        let size = read_leb_u32(bytes, pos)? as usize;
        *pos += size;
        Ok(())
    })?;
    if types.len() != bodies.len() || types.is_empty() {
        return Err(format!("{} function declarations but {} bodies", types.len(), bodies.len()));
    }
    let (imported, names) = imports_and_names(wasm)?;
    let per_copy: usize = types.iter().chain(&bodies).map(|item| item.len()).sum();
    let copies = target_len.saturating_sub(wasm.len()).div_ceil(per_copy);
    if copies == 0 {
        return Ok((wasm.to_vec(), Amplified { bytes_len: wasm.len(), defined_functions: types.len(), copies }));
    }
    let defined = types.len() * (1 + copies);
    if defined > MAX_FUNCTIONS {
        return Err(format!("{defined} functions would be more than engines accept ({MAX_FUNCTIONS})"));
    }
    let repeated = |items: &[&[u8]]| {
        let mut content = Vec::new();
        write_leb_u32(&mut content, defined as u32);
        for _ in 0..=copies {
            for item in items {
                content.extend_from_slice(item);
            }
        }
        content
    };
    let names = name_section(imported, types.len() as u32, copies, &names);
    let mut out = Vec::with_capacity(target_len + per_copy + names.len() + 64);
    out.extend_from_slice(&wasm[..8]);
    let mut write = |id: u8, content: &[u8]| -> Result<(), String> {
        out.push(id);
        write_leb_u32(&mut out, u32::try_from(content.len()).map_err(|_| "a section over 4 GiB")?);
        out.extend_from_slice(content);
        Ok(())
    };
    for (id, content) in &sections {
        match id {
            0 if is_name_section(content) => {}
            3 => write(3, &repeated(&types))?,
            10 => write(10, &repeated(&bodies))?,
            _ => write(*id, content)?,
        }
    }
    write(0, &names)?;
    let info = Amplified { bytes_len: out.len(), defined_functions: defined, copies };
    Ok((out, info))
}

/// One engine's start-up measurement, for the table.
pub struct Row<'a> {
    pub engine: &'a str,
    pub cell: &'a crate::model::Cell,
    pub config: &'a str,
}

/// The start-up table in Markdown.
pub fn markdown(source: &str, info: &Amplified, command: &str, rows: &[Row<'_>]) -> String {
    let ms = |ns: u64| format!("{:.1} ms", ns as f64 / 1e6);
    let mut md = String::new();
    let _ = writeln!(md, "# Start-up: parse and instantiate a {:.1} MB module\n", info.bytes_len as f64 / 1e6);
    let _ = writeln!(
        md,
        "`{source}` with its {} function bodies appended {} times ({} defined functions, {} bytes); \
         each engine in its lazy mode where it has one, in a fresh worker process. The first load \
         in a process pays for the page faults of every new allocation; later loads reuse memory \
         the previous one freed. Command: `{command}`\n",
        info.defined_functions / (info.copies + 1),
        info.copies,
        info.defined_functions,
        info.bytes_len
    );
    md.push_str(
        "| engine | parse + instantiate: first load in the process | median of the later loads | min | loads | first \
         `run` call | peak RSS | status |\n",
    );
    md.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for row in rows {
        let cell = row.cell;
        let dash = || "–".to_string();
        let later = cell.load_ns.get(1..).and_then(crate::stats::median);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.engine,
            cell.load_ns.first().copied().map(ms).unwrap_or_else(dash),
            later.map(ms).unwrap_or_else(dash),
            cell.load_ns.iter().copied().min().map(ms).unwrap_or_else(dash),
            cell.load_ns.len(),
            cell.first_ns.map(ms).unwrap_or_else(dash),
            cell.peak_rss_kb.map(|kb| format!("{:.1} MiB", kb as f64 / 1024.0)).unwrap_or_else(dash),
            match &cell.reason {
                Some(reason) => format!("{}: {}", crate::report::status_word(cell.status), reason.replace('|', "/")),
                None => "ok".to_string(),
            }
        );
    }
    md.push_str("\nEngine configurations:\n\n");
    for row in rows {
        let _ = writeln!(md, "- {}: {}", row.engine, row.config);
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAM: &str = r#"(module
        (memory (export "memory") 1)
        (func $double (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
        (func (export "run") (param i32) (result i64)
            local.get 0 call $double i64.extend_i32_s)
        (data (i32.const 16) "kept"))"#;

    fn run(wasm: &[u8], n: i32) -> i64 {
        let engine = gannet::Engine::default();
        let module = gannet::Module::new(&engine, wasm).expect("valid module");
        let mut store = gannet::Store::new(&engine, ());
        let instance = gannet::Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let run = instance.get_typed_func::<i32, i64>(&store, "run").expect("run export");
        run.call(&mut store, n).expect("runs")
    }

    #[test]
    fn amplified_modules_are_valid_large_and_compute_the_same() {
        let wasm = wat::parse_str(PROGRAM).unwrap();
        let (big, info) = amplify(&wasm, 100_000).unwrap();
        assert!(big.len() >= 100_000, "{} bytes", big.len());
        assert_eq!(info.bytes_len, big.len());
        assert_eq!(info.defined_functions, 2 * (info.copies + 1));
        let engine = gannet::Engine::default();
        gannet::Module::validate(&engine, &big).expect("the amplified module validates");
        let module = gannet::Module::new(&engine, &big).unwrap();
        assert_eq!(module.exports().count(), 2);
        assert_eq!(run(&big, 21), run(&wasm, 21));
        assert_eq!(module.function_name(0), Some("double"));
        assert_eq!(module.function_name(1), Some("f1"));
        assert_eq!(module.function_name(2), Some("double.copy1"));
        let last = module.num_functions() - 1;
        assert_eq!(module.function_name(last), Some(format!("f1.copy{}", info.copies).as_str()));
        assert_eq!(run(&big, 21), 42);
        // Every copy is a real function: compiling them all eagerly succeeds.
        let mut config = gannet::Config::new();
        config.compilation_mode(gannet::CompilationMode::Eager);
        gannet::Module::new(&gannet::Engine::new(&config), &big).expect("every copy compiles");
    }

    #[test]
    fn a_module_already_large_enough_is_unchanged() {
        let wasm = wat::parse_str(PROGRAM).unwrap();
        let (same, info) = amplify(&wasm, 10).unwrap();
        assert_eq!(same, wasm);
        assert_eq!(info.copies, 0);
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(amplify(b"not wasm", 1000).is_err());
        let wasm = wat::parse_str(PROGRAM).unwrap();
        assert!(amplify(&wasm[..wasm.len() - 3], 1000).is_err());
        let no_functions = wat::parse_str("(module)").unwrap();
        assert!(amplify(&no_functions, 1000).is_err());
        assert!(amplify(&wasm, 10 * MAX_FUNCTIONS * wasm.len()).is_err());
    }
}
