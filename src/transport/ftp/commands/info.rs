//! `FEAT` and `OPTS` (RFC 2389), `HELP`, `STAT` without a path, and the transfer parameters
//! `TYPE` (RFC 959 §3.1.1: ASCII is accepted but transfers stay binary — partner files are
//! UTF-8 XML, CSV and JSON whose line endings the formats accept either way, and a byte-exact
//! copy is what `archive/` must keep), `MODE S`, `STRU F`.

use super::super::command::{DataType, Opts};
use super::super::listing::Facts;
use super::super::reply::Reply;
use super::super::state::Session;

/// `FEAT` (RFC 2389 §3): the extensions, each on its own line.
pub(super) fn feat(s: &Session) -> Reply {
    let mut lines: Vec<String> = vec![
        " EPRT".into(),
        " EPSV".into(),
        " MDTM".into(),
        " MFMT".into(),
        format!(" MLST {}", s.facts.feat()),
        " PASV".into(),
        " REST STREAM".into(),
        " SIZE".into(),
        " TVFS".into(),
        " UTF8".into(),
    ];
    if s.shared.tls.is_some() {
        lines.splice(0..0, [" AUTH TLS".to_string()]);
        lines.push(" PBSZ".into());
        lines.push(" PROT".into());
    }
    Reply::multi(211, "Features:", lines, "End")
}

/// `OPTS UTF8 ON`, `OPTS MLST facts`.
pub(super) fn opts(s: &mut Session, o: Opts) -> Reply {
    match o {
        Opts::Utf8(true) => Reply::new(200, "Always in UTF8 mode."),
        Opts::Utf8(false) => Reply::new(504, "UTF8 cannot be turned off."),
        Opts::Mlst(names) => {
            s.facts = Facts::from_names(&names);
            Reply::new(200, format!("MLST OPTS {}", s.facts.selected()))
        }
    }
}

/// `TYPE`.
pub(super) fn data_type(s: &mut Session, t: DataType) -> Reply {
    s.data_type = t;
    match t {
        DataType::Image => Reply::new(200, "Switching to Binary mode."),
        DataType::Ascii => Reply::new(
            200,
            "Switching to ASCII mode (files are transferred unchanged, as in binary mode).",
        ),
    }
}

/// `HELP`.
pub(super) fn help() -> Reply {
    let verbs = [
        " ABOR ALLO APPE AUTH CCC  CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM",
        " MFMT MKD  MLSD MLST MODE NLST NOOP OPTS PASS PASV PBSZ PORT PROT PWD",
        " QUIT REST RETR RMD  RNFR RNTO SITE SIZE STAT STOR STRU SYST TYPE USER",
        " XCUP XCWD XMKD XPWD XRMD",
    ];
    Reply::multi(
        214,
        "The following commands are recognized.",
        verbs.iter().map(|v| v.to_string()).collect(),
        "Help OK.",
    )
}

/// `STAT` without a path: the session's state (RFC 959 §4.1.3).
pub(super) fn status(s: &Session) -> Reply {
    let mut lines = vec![
        format!(" Connected from {}", s.peer.ip().to_canonical()),
        match s.user() {
            Some(u) => format!(" Logged in as {}", u.partner.name),
            None => " Not logged in".to_string(),
        },
        format!(
            " TYPE: {}",
            match s.data_type {
                DataType::Ascii => "ASCII",
                DataType::Image => "BINARY",
            }
        ),
        format!(
            " Control connection: {}",
            if s.control.is_tls() { "TLS" } else { "clear" }
        ),
    ];
    lines.push(" No data connection".to_string());
    Reply::multi(211, "FTP server status:", lines, "End of status")
}
