//! Build script: regenerates the C header `include/imapclient.h` from the
//! `src/ffi` module with cbindgen, and gives the Linux shared library its
//! SONAME.
//!
//! Header generation never fails the build: a broken header is reported as a
//! cargo warning, and `make header-check` catches a stale committed header.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

const HEADER: &str = "include/imapclient.h";

fn main() {
    // All of src, not only src/ffi: cbindgen parses the whole crate and
    // writes every `pub const` it finds, so a constant added in proto or
    // client changes the header too.
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DOCS_RS");

    // SONAME for the cdylib: the major ABI version, so that the runtime
    // linker looks for libimapclient.so.0 and a future ABI break gets .so.1.
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libimapclient.so.0");
    }

    // docs.rs builds in a read-only source directory.
    if env::var_os("DOCS_RS").is_some() {
        return;
    }
    let Some(crate_dir) = env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        println!("cargo:warning=CARGO_MANIFEST_DIR unset; not generating {HEADER}");
        return;
    };
    if let Err(msg) = generate(&crate_dir) {
        println!("cargo:warning=not generating {HEADER}: {msg}");
    }
}

fn generate(crate_dir: &Path) -> Result<(), String> {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut text = Vec::new();
    bindings.write(&mut text);

    // Write only on change, so that the header's mtime (and everything that
    // depends on it in CMake) moves only when the ABI text does.
    let path = crate_dir.join(HEADER);
    if fs::read(&path).ok().as_deref() == Some(&text[..]) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // Write to a temporary file and rename, so a concurrent reader (a C
    // build) never sees half a header.
    let tmp = path.with_extension(format!("h.tmp{}", std::process::id()));
    fs::write(&tmp, &text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    fs::rename(&tmp, &path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}
