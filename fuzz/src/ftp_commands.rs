//! The FTP command line parser (`transport::ftp::command::parse`) on any bytes: no panic, and
//!
//! - a line longer than `MAX_LINE` is `TooLong`, whatever it holds;
//! - an error's reply code is one of 500, 501, 502, 504, and an unknown verb is echoed as at
//!   most 8 printable ASCII characters (it goes back into a reply line);
//! - a parsed command written back in its plain form (`CWD path\r\n`, `PORT h,h,h,h,p,p`,
//!   `MFMT YYYYMMDDHHMMSS path`...) parses to the same command: nothing in an argument is
//!   lost, added or changed by the parser (a path keeps its spaces and CRs);
//! - the verb's case does not matter, and a CRLF or LF ending gives what no ending gives;
//! - a path argument never reaches the file system through the policy as anything but a
//!   relative path of plain names (or a refusal).

use std::net::SocketAddr;
use std::path::{Component, Path};
use wharf::transport::ftp::command::{
    Command, DataType, Epsv, MAX_LINE, Opts, ParseError, Protection, parse,
};

/// The plain form of `c`, with its CRLF.
fn render(c: &Command) -> String {
    let opt = |verb: &str, p: &Option<String>| match p {
        Some(p) => format!("{verb} {p}"),
        None => verb.to_string(),
    };
    let addr = |a: &SocketAddr| match a {
        SocketAddr::V4(v4) => format!("|1|{}|{}|", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!("|2|{}|{}|", v6.ip(), v6.port()),
    };
    let line = match c {
        Command::User(s) => format!("USER {s}"),
        Command::Pass(p) => format!("PASS {}", p.0),
        Command::Quit => "QUIT".into(),
        Command::Noop => "NOOP".into(),
        Command::Syst => "SYST".into(),
        Command::Feat => "FEAT".into(),
        Command::Opts(Opts::Utf8(on)) => format!("OPTS UTF8 {}", if *on { "ON" } else { "OFF" }),
        Command::Opts(Opts::Mlst(facts)) => {
            // A leading `;`: the first fact may start with a space of its own.
            let mut l = "OPTS MLST ;".to_string();
            for f in facts {
                l.push_str(f);
                l.push(';');
            }
            l
        }
        Command::Type(DataType::Ascii) => "TYPE A".into(),
        Command::Type(DataType::Image) => "TYPE I".into(),
        Command::Mode => "MODE S".into(),
        Command::Stru => "STRU F".into(),
        Command::Pwd => "PWD".into(),
        Command::Cwd(p) => format!("CWD {p}"),
        Command::Cdup => "CDUP".into(),
        Command::Pasv => "PASV".into(),
        Command::Epsv(Epsv::Any) => "EPSV".into(),
        Command::Epsv(Epsv::Protocol(n)) => format!("EPSV {n}"),
        Command::Epsv(Epsv::All) => "EPSV ALL".into(),
        Command::Port(SocketAddr::V4(a)) => {
            let [h1, h2, h3, h4] = a.ip().octets();
            let [p1, p2] = a.port().to_be_bytes();
            format!("PORT {h1},{h2},{h3},{h4},{p1},{p2}")
        }
        Command::Port(a) => panic!("PORT gave a non-IPv4 address {a}"),
        Command::Eprt(a) => format!("EPRT {}", addr(a)),
        Command::List(p) => opt("LIST", p),
        Command::Nlst(p) => opt("NLST", p),
        Command::Mlsd(p) => opt("MLSD", p),
        Command::Mlst(p) => opt("MLST", p),
        Command::Stat(p) => opt("STAT", p),
        Command::Size(p) => format!("SIZE {p}"),
        Command::Mdtm(p) => format!("MDTM {p}"),
        Command::Mfmt(t, p) => format!(
            "MFMT {:04}{:02}{:02}{:02}{:02}{:02} {p}",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        ),
        Command::Rest(n) => format!("REST {n}"),
        Command::Retr(p) => format!("RETR {p}"),
        Command::Stor(p) => format!("STOR {p}"),
        Command::Appe(p) => format!("APPE {p}"),
        Command::Dele(p) => format!("DELE {p}"),
        Command::Rnfr(p) => format!("RNFR {p}"),
        Command::Rnto(p) => format!("RNTO {p}"),
        Command::Mkd(p) => format!("MKD {p}"),
        Command::Rmd(p) => format!("RMD {p}"),
        Command::Abor => "ABOR".into(),
        Command::Allo => "ALLO".into(),
        Command::Help => "HELP".into(),
        Command::AuthTls => "AUTH TLS".into(),
        Command::Pbsz(n) => format!("PBSZ {n}"),
        Command::Prot(Protection::Clear) => "PROT C".into(),
        Command::Prot(Protection::Private) => "PROT P".into(),
        Command::Prot(Protection::Unsupported) => "PROT S".into(),
        Command::Ccc => "CCC".into(),
        Command::Site => "SITE".into(),
    };
    line + "\r\n"
}

/// The path a command hands to the policy, if any.
fn path_of(c: &Command) -> Option<&str> {
    match c {
        Command::Cwd(p)
        | Command::Size(p)
        | Command::Mdtm(p)
        | Command::Mfmt(_, p)
        | Command::Retr(p)
        | Command::Stor(p)
        | Command::Appe(p)
        | Command::Dele(p)
        | Command::Rnfr(p)
        | Command::Rnto(p)
        | Command::Mkd(p)
        | Command::Rmd(p) => Some(p),
        Command::List(p)
        | Command::Nlst(p)
        | Command::Mlsd(p)
        | Command::Mlst(p)
        | Command::Stat(p) => p.as_deref(),
        _ => None,
    }
}

/// Runs one input.
pub fn run(line: &[u8]) {
    let got = parse(line);
    if line.len() > MAX_LINE {
        assert_eq!(got, Err(ParseError::TooLong), "{} bytes", line.len());
        return;
    }
    match &got {
        Err(e) => {
            assert!(matches!(e.code(), 500 | 501 | 502 | 504), "{e:?}");
            if let ParseError::Unknown(v) = e {
                assert!(
                    v.len() <= 8 && v.bytes().all(|b| b.is_ascii_graphic()),
                    "unknown verb echoed as {v:?}"
                );
            }
            assert!(!e.to_string().contains(['\r', '\n']), "{e}");
        }
        Ok(c) => {
            let plain = render(c);
            if plain.len() <= MAX_LINE {
                let again = parse(plain.as_bytes());
                assert_eq!(again.as_ref(), Ok(c), "written back as {plain:?}");
            }
            if let Some(p) = path_of(c)
                && let Ok(r) = wharf::policy::resolve(Path::new(p))
            {
                assert!(
                    r.rel
                        .components()
                        .all(|c| matches!(c, Component::Normal(_))),
                    "{p:?} resolved to {:?}",
                    r.rel
                );
            }
        }
    }
    // No Telnet bytes: the verb is what comes before the first space.
    if !line.contains(&0xff) {
        let verb_end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        let mut flipped = line.to_vec();
        for b in &mut flipped[..verb_end] {
            if b.is_ascii_alphabetic() {
                *b ^= 0x20;
            }
        }
        let fold = |r: Result<Command, ParseError>| {
            r.map_err(|e| match e {
                ParseError::Unknown(v) => ParseError::Unknown(v.to_ascii_uppercase()),
                e => e,
            })
        };
        assert_eq!(
            fold(parse(&flipped)),
            fold(got.clone()),
            "the verb's case changed the command"
        );
    }
    if !line.ends_with(b"\n") && !line.ends_with(b"\r") {
        for end in [&b"\r\n"[..], b"\n"] {
            let ended = [line, end].concat();
            if ended.len() <= MAX_LINE {
                assert_eq!(parse(&ended), got, "with {end:?} at the end");
            }
        }
    }
}
