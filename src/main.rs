//! The `wharf` binary: the command line (argument parsing, messages, exit codes) in [`cli`],
//! over the `wharf` library that does the work. `anyhow` and `clap` live here only.

#![deny(missing_docs)]

mod cli;

fn main() -> std::process::ExitCode {
    wharf::pipeline::memory::limit_arenas();
    cli::main()
}
