//! The `wharf` binary: the command line (argument parsing, messages, exit codes) in [`cli`],
//! over the `wharf` library that does the work. `anyhow` and `clap` live here only.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
