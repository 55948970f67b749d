//! Containing what a partner's file can do to the process while it is parsed.
//!
//! - Each file is processed on a thread of its own with a known, generous stack
//!   ([`FILE_STACK`]): the parsers recurse (anyxml once per nesting level), and the nesting
//!   bounds keep them far below it, whatever the platform's default thread stack.
//! - Decoding and validating run under `catch_unwind` ([`parse`]): a panic in a parser (a bug
//!   in it, or in our callbacks) refuses that file with the reason, as any unreadable file is
//!   refused, instead of leaving it in `in/` to fail again at every start.
//! - A panic anywhere else in a file's processing is caught at the thread's edge and logged;
//!   the file stays where it was, and the attempt counter sets it aside if it keeps failing.

/// The stack of a file's processing thread (address space, used only as deep as needed).
pub(super) const FILE_STACK: usize = 64 * 1024 * 1024;

/// Runs `f` on a new thread with [`FILE_STACK`]; `Err` with the panic's message if it panicked
/// (or the thread could not start).
pub(super) async fn on_file_thread<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(FILE_STACK)
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .map_err(|p| crate::validate::panic_text(p.as_ref()));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(format!("cannot start a thread for the file: {e}"));
    }
    rx.await
        .unwrap_or_else(|_| Err("the file's thread ended without an answer".into()))
}

/// A reader that panicked on a partner's file: `<who> failed on this file (internal error: …)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Panicked {
    /// What was reading ("the XML parser").
    pub who: String,
    /// The panic's message.
    pub why: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} failed on this file (internal error: {})",
            self.who, self.why
        )
    }
}

impl From<Panicked> for String {
    fn from(p: Panicked) -> String {
        p.to_string()
    }
}

/// Runs a decoder or the validator on a partner's file: a panic becomes an error
/// ([`Panicked`]), as any unreadable file's reason.
pub(super) fn parse<T, E: From<Panicked>>(
    who: &str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let why = crate::validate::panic_text(payload.as_ref());
            tracing::error!(error = %why, "{who} panicked on this file: it goes to error/");
            Err(E::from(Panicked {
                who: who.to_string(),
                why,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_parser_becomes_a_reason() {
        let r: Result<(), String> = parse("the XML parser", || panic!("boom"));
        assert_eq!(
            r.unwrap_err(),
            "the XML parser failed on this file (internal error: boom)"
        );
        assert_eq!(parse("x", || Ok::<_, String>(3)), Ok(3));
    }

    #[tokio::test]
    async fn a_file_thread_has_the_stack_it_was_promised() {
        // 8,000 frames of 4 KiB: far past a default 2 MiB thread stack.
        fn deep(n: u32) -> u32 {
            let pad = std::hint::black_box([n as u8; 4096]);
            if n == 0 {
                u32::from(pad[0])
            } else {
                deep(n - 1) + u32::from(pad[1] & 1)
            }
        }
        assert_eq!(on_file_thread("t", || deep(8_000)).await, Ok(4_000));
        let r = on_file_thread("t", || -> u32 { panic!("inside") }).await;
        assert_eq!(r, Err("inside".into()));
    }
}
