//! The `wharf` binary: everything is in the library ([`wharf::cli`]).

fn main() -> std::process::ExitCode {
    wharf::cli::main()
}
