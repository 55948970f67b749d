//! The FTP command line parser: one line from the control connection to a [`Command`], with no
//! I/O and no state, so it can be fuzzed on its own (it must never panic, whatever the bytes).
//!
//! What it settles (RFC 959 §4.1 and §5.3, with the extensions' grammars):
//! - a line ends at LF; one CR before it is dropped (a bare LF is accepted, as most servers do);
//!   longer than [`MAX_LINE`] bytes is [`ParseError::TooLong`];
//! - Telnet commands the client may send before `ABOR` (`IAC IP`, `IAC DM`, RFC 959 §4.1.3)
//!   and option negotiation are removed; `IAC IAC` is a literal 0xFF byte;
//! - the verb is case-insensitive; the argument is everything after the first space, kept
//!   exactly (file names may start or end with spaces);
//! - arguments are UTF-8 (RFC 2640): other bytes (a latin-1 `é`) are refused with a clear
//!   [`ParseError::NotUtf8`], never guessed;
//! - numbers are strict: digits only, no sign, no overflow (`REST 18446744073709551616` is a
//!   [`ParseError::BadArgument`], not a closed connection).
//!
//! Mapping to replies (in the session): [`ParseError::Unknown`] → `502`, bad or missing
//! arguments → `501`, an unsupported parameter (`TYPE E`, `MODE B`) → `504`, a too-long or
//! empty line → `500`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Longest command line accepted, CRLF included. Paths are at most 1,024 bytes (the policy's
/// limit), so this leaves room for any verb and argument a real client sends.
pub const MAX_LINE: usize = 4096;

/// A password, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `TYPE` (RFC 959 §3.1.1): ASCII or image (binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// `TYPE A` / `TYPE A N`.
    Ascii,
    /// `TYPE I` / `TYPE L 8`.
    Image,
}

/// `PROT` (RFC 2228 §3, RFC 4217 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// `C`: clear data connections.
    Clear,
    /// `P`: data connections over TLS.
    Private,
    /// `S` or `E`: not offered by TLS (RFC 4217 §9) — answered `536`.
    Unsupported,
}

/// `EPSV` arguments (RFC 2428 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Epsv {
    /// No argument, or the control connection's own protocol number.
    Any,
    /// `EPSV 1` / `EPSV 2`.
    Protocol(u8),
    /// `EPSV ALL`: only EPSV from now on.
    All,
}

/// `OPTS` (RFC 2389 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opts {
    /// `OPTS UTF8 ON|OFF` (RFC 2640 draft usage; we always speak UTF-8).
    Utf8(bool),
    /// `OPTS MLST fact;fact;` (RFC 3659 §7.9): the facts wanted, lowercased.
    Mlst(Vec<String>),
}

/// A time given by `MFMT` (draft-somers-ftp-mfxx §3): UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mtime {
    /// Year (4 digits).
    pub year: i16,
    /// Month 1-12.
    pub month: i8,
    /// Day 1-31.
    pub day: i8,
    /// Hour 0-23.
    pub hour: i8,
    /// Minute 0-59.
    pub minute: i8,
    /// Second 0-60 (a leap second is folded to 59 when applied).
    pub second: i8,
}

/// One parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `USER name`
    User(String),
    /// `PASS password` (may be empty)
    Pass(Secret),
    /// `QUIT`
    Quit,
    /// `NOOP`
    Noop,
    /// `SYST`
    Syst,
    /// `FEAT`
    Feat,
    /// `OPTS ...`
    Opts(Opts),
    /// `TYPE`
    Type(DataType),
    /// `MODE S`
    Mode,
    /// `STRU F`
    Stru,
    /// `PWD` / `XPWD`
    Pwd,
    /// `CWD path` / `XCWD path`
    Cwd(String),
    /// `CDUP` / `XCUP`
    Cdup,
    /// `PASV`
    Pasv,
    /// `EPSV [1|2|ALL]`
    Epsv(Epsv),
    /// `PORT h1,h2,h3,h4,p1,p2`
    Port(SocketAddr),
    /// `EPRT |af|addr|port|`
    Eprt(SocketAddr),
    /// `LIST [path]` (options such as `-la` dropped)
    List(Option<String>),
    /// `NLST [path]`
    Nlst(Option<String>),
    /// `MLSD [path]`
    Mlsd(Option<String>),
    /// `MLST [path]`
    Mlst(Option<String>),
    /// `STAT [path]`
    Stat(Option<String>),
    /// `SIZE path`
    Size(String),
    /// `MDTM path`
    Mdtm(String),
    /// `MFMT time path`
    Mfmt(Mtime, String),
    /// `REST offset`
    Rest(u64),
    /// `RETR path`
    Retr(String),
    /// `STOR path`
    Stor(String),
    /// `APPE path`
    Appe(String),
    /// `DELE path`
    Dele(String),
    /// `RNFR path`
    Rnfr(String),
    /// `RNTO path`
    Rnto(String),
    /// `MKD path` / `XMKD path`
    Mkd(String),
    /// `RMD path` / `XRMD path`
    Rmd(String),
    /// `ABOR`
    Abor,
    /// `ALLO ...` (arguments ignored)
    Allo,
    /// `HELP [topic]`
    Help,
    /// `AUTH TLS` (also `TLS-C`, `SSL`)
    AuthTls,
    /// `PBSZ n`
    Pbsz(u64),
    /// `PROT level`
    Prot(Protection),
    /// `CCC`
    Ccc,
    /// `SITE ...` (no site commands)
    Site,
}

impl Command {
    /// The verb, for logs (never the argument: `PASS` carries a password).
    pub fn verb(&self) -> &'static str {
        match self {
            Command::User(_) => "USER",
            Command::Pass(_) => "PASS",
            Command::Quit => "QUIT",
            Command::Noop => "NOOP",
            Command::Syst => "SYST",
            Command::Feat => "FEAT",
            Command::Opts(_) => "OPTS",
            Command::Type(_) => "TYPE",
            Command::Mode => "MODE",
            Command::Stru => "STRU",
            Command::Pwd => "PWD",
            Command::Cwd(_) => "CWD",
            Command::Cdup => "CDUP",
            Command::Pasv => "PASV",
            Command::Epsv(_) => "EPSV",
            Command::Port(_) => "PORT",
            Command::Eprt(_) => "EPRT",
            Command::List(_) => "LIST",
            Command::Nlst(_) => "NLST",
            Command::Mlsd(_) => "MLSD",
            Command::Mlst(_) => "MLST",
            Command::Stat(_) => "STAT",
            Command::Size(_) => "SIZE",
            Command::Mdtm(_) => "MDTM",
            Command::Mfmt(..) => "MFMT",
            Command::Rest(_) => "REST",
            Command::Retr(_) => "RETR",
            Command::Stor(_) => "STOR",
            Command::Appe(_) => "APPE",
            Command::Dele(_) => "DELE",
            Command::Rnfr(_) => "RNFR",
            Command::Rnto(_) => "RNTO",
            Command::Mkd(_) => "MKD",
            Command::Rmd(_) => "RMD",
            Command::Abor => "ABOR",
            Command::Allo => "ALLO",
            Command::Help => "HELP",
            Command::AuthTls => "AUTH",
            Command::Pbsz(_) => "PBSZ",
            Command::Prot(_) => "PROT",
            Command::Ccc => "CCC",
            Command::Site => "SITE",
        }
    }
}

/// Why a line is not a command we can run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Nothing but line ending (or Telnet commands).
    #[error("empty command line")]
    Empty,
    /// Longer than [`MAX_LINE`].
    #[error("command line too long (over {MAX_LINE} bytes)")]
    TooLong,
    /// Not a command we implement (the verb, printable ASCII only, at most 8 characters).
    #[error("command not implemented: {0}")]
    Unknown(String),
    /// The argument is not UTF-8.
    #[error("{0}: arguments must be UTF-8")]
    NotUtf8(&'static str),
    /// A required argument is missing.
    #[error("{0} needs an argument")]
    MissingArgument(&'static str),
    /// The argument does not follow the command's grammar.
    #[error("{verb}: {why}")]
    BadArgument {
        /// The verb.
        verb: &'static str,
        /// What is wrong.
        why: &'static str,
    },
    /// A parameter the grammar allows but we do not implement (`TYPE E`, `MODE B`, `AUTH GSSAPI`).
    #[error("{verb}: {why}")]
    Unsupported {
        /// The verb.
        verb: &'static str,
        /// What is not supported.
        why: &'static str,
    },
}

impl ParseError {
    /// The reply code for this error (RFC 959 §4.2).
    pub fn code(&self) -> u16 {
        match self {
            ParseError::Empty | ParseError::TooLong => 500,
            ParseError::Unknown(_) => 502,
            ParseError::NotUtf8(_)
            | ParseError::MissingArgument(_)
            | ParseError::BadArgument { .. } => 501,
            ParseError::Unsupported { .. } => 504,
        }
    }
}

/// Parses one command line (with or without its CRLF).
pub fn parse(line: &[u8]) -> Result<Command, ParseError> {
    if line.len() > MAX_LINE {
        return Err(ParseError::TooLong);
    }
    let clean = strip_telnet(strip_eol(line));
    let (verb_bytes, arg) = match clean.iter().position(|&b| b == b' ') {
        Some(i) => (&clean[..i], Some(&clean[i + 1..])),
        None => (&clean[..], None),
    };
    if verb_bytes.is_empty() {
        return Err(if arg.is_none() {
            ParseError::Empty
        } else {
            ParseError::Unknown(String::new())
        });
    }
    let verb = match verb_name(verb_bytes) {
        Some(v) => v,
        None => return Err(ParseError::Unknown(printable(verb_bytes))),
    };
    let arg = match arg {
        Some(a) => Some(std::str::from_utf8(a).map_err(|_| ParseError::NotUtf8(verb))?),
        None => None,
    };
    command(verb, arg)
}

/// The verbs we implement.
const VERBS: [&str; 42] = [
    "USER", "PASS", "QUIT", "NOOP", "SYST", "FEAT", "OPTS", "TYPE", "MODE", "STRU", "PWD", "CWD",
    "CDUP", "PASV", "EPSV", "PORT", "EPRT", "LIST", "NLST", "MLSD", "MLST", "STAT", "SIZE", "MDTM",
    "MFMT", "REST", "RETR", "STOR", "APPE", "DELE", "RNFR", "RNTO", "MKD", "RMD", "ABOR", "ALLO",
    "HELP", "AUTH", "PBSZ", "PROT", "CCC", "SITE",
];

/// The old `X` forms (RFC 775) and what they mean.
const ALIASES: [(&str, &str); 5] = [
    ("XPWD", "PWD"),
    ("XCWD", "CWD"),
    ("XCUP", "CDUP"),
    ("XMKD", "MKD"),
    ("XRMD", "RMD"),
];

/// The canonical verb (aliases folded), if we know it.
fn verb_name(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() > 4 {
        return None;
    }
    let up = bytes.to_ascii_uppercase();
    let up: &[u8] = &up;
    VERBS
        .iter()
        .find(|v| v.as_bytes() == up)
        .copied()
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| alias.as_bytes() == up)
                .map(|(_, verb)| *verb)
        })
}

fn command(verb: &'static str, arg: Option<&str>) -> Result<Command, ParseError> {
    // An argument that is present but empty ("CWD ") counts as missing where one is needed.
    let arg = arg.filter(|a| !a.is_empty());
    let need = || {
        arg.map(str::to_string)
            .ok_or(ParseError::MissingArgument(verb))
    };
    let none = |c: Command| match arg {
        None => Ok(c),
        Some(_) => Err(ParseError::BadArgument {
            verb,
            why: "takes no argument",
        }),
    };
    match verb {
        "USER" => need().map(Command::User),
        "PASS" => Ok(Command::Pass(Secret(arg.unwrap_or("").to_string()))),
        "QUIT" => Ok(Command::Quit),
        "NOOP" => Ok(Command::Noop),
        "SYST" => none(Command::Syst),
        "FEAT" => none(Command::Feat),
        "OPTS" => opts(arg.ok_or(ParseError::MissingArgument(verb))?),
        "TYPE" => data_type(arg.ok_or(ParseError::MissingArgument(verb))?),
        "MODE" => single_letter(verb, arg, 'S', "only stream mode (S)").map(|()| Command::Mode),
        "STRU" => single_letter(verb, arg, 'F', "only file structure (F)").map(|()| Command::Stru),
        "PWD" => none(Command::Pwd),
        "CWD" => need().map(Command::Cwd),
        "CDUP" => none(Command::Cdup),
        "PASV" => none(Command::Pasv),
        "EPSV" => epsv(arg),
        "PORT" => port(arg.ok_or(ParseError::MissingArgument(verb))?).map(Command::Port),
        "EPRT" => eprt(arg.ok_or(ParseError::MissingArgument(verb))?).map(Command::Eprt),
        "LIST" => Ok(Command::List(listing_path(arg))),
        "NLST" => Ok(Command::Nlst(listing_path(arg))),
        "MLSD" => Ok(Command::Mlsd(arg.map(str::to_string))),
        "MLST" => Ok(Command::Mlst(arg.map(str::to_string))),
        "STAT" => Ok(Command::Stat(listing_path(arg))),
        "SIZE" => need().map(Command::Size),
        "MDTM" => need().map(Command::Mdtm),
        "MFMT" => mfmt(arg.ok_or(ParseError::MissingArgument(verb))?),
        "REST" => number(verb, arg).map(Command::Rest),
        "RETR" => need().map(Command::Retr),
        "STOR" => need().map(Command::Stor),
        "APPE" => need().map(Command::Appe),
        "DELE" => need().map(Command::Dele),
        "RNFR" => need().map(Command::Rnfr),
        "RNTO" => need().map(Command::Rnto),
        "MKD" => need().map(Command::Mkd),
        "RMD" => need().map(Command::Rmd),
        "ABOR" => none(Command::Abor),
        "ALLO" => Ok(Command::Allo),
        "HELP" => Ok(Command::Help),
        "AUTH" => auth(arg.ok_or(ParseError::MissingArgument(verb))?),
        "PBSZ" => number(verb, arg).map(Command::Pbsz),
        "PROT" => prot(arg.ok_or(ParseError::MissingArgument(verb))?),
        "CCC" => none(Command::Ccc),
        "SITE" => Ok(Command::Site),
        _ => Err(ParseError::Unknown(verb.to_string())),
    }
}

/// `LIST -la dir` → `dir`: leading option words (as `ls` takes them) are dropped, as vsftpd
/// does; a name starting with `-` cannot be listed this way (it can be with MLSD).
fn listing_path(arg: Option<&str>) -> Option<String> {
    let mut rest = arg?;
    while rest.starts_with('-') {
        match rest.find(' ') {
            Some(i) => rest = &rest[i + 1..],
            None => return None,
        }
    }
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Strict unsigned decimal: digits only, no sign, no spaces, no overflow.
fn number(verb: &'static str, arg: Option<&str>) -> Result<u64, ParseError> {
    let text = arg.ok_or(ParseError::MissingArgument(verb))?;
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::BadArgument {
            verb,
            why: "expected a decimal number",
        });
    }
    text.parse::<u64>().map_err(|_| ParseError::BadArgument {
        verb,
        why: "number too large",
    })
}

fn single_letter(
    verb: &'static str,
    arg: Option<&str>,
    only: char,
    why: &'static str,
) -> Result<(), ParseError> {
    let a = arg.ok_or(ParseError::MissingArgument(verb))?;
    let mut chars = a.chars();
    match (chars.next().map(|c| c.to_ascii_uppercase()), chars.next()) {
        (Some(c), None) if c == only => Ok(()),
        (Some(c), None) if c.is_ascii_alphabetic() => Err(ParseError::Unsupported { verb, why }),
        _ => Err(ParseError::BadArgument {
            verb,
            why: "expected one letter",
        }),
    }
}

/// `TYPE A [N]`, `TYPE I`, `TYPE L 8` (RFC 959 §4.1.2).
fn data_type(arg: &str) -> Result<Command, ParseError> {
    let verb = "TYPE";
    let words: Vec<String> = arg
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["A"] | ["A", "N"] => Ok(Command::Type(DataType::Ascii)),
        ["I"] | ["L", "8"] => Ok(Command::Type(DataType::Image)),
        ["A", "T" | "C"] | ["E", ..] | ["L", _] => Err(ParseError::Unsupported {
            verb,
            why: "only TYPE A (N) and TYPE I are supported",
        }),
        _ => Err(ParseError::BadArgument {
            verb,
            why: "expected A or I",
        }),
    }
}

/// `EPSV`, `EPSV 1`, `EPSV 2`, `EPSV ALL` (RFC 2428 §3).
fn epsv(arg: Option<&str>) -> Result<Command, ParseError> {
    match arg {
        None => Ok(Command::Epsv(Epsv::Any)),
        Some(a) if a.eq_ignore_ascii_case("ALL") => Ok(Command::Epsv(Epsv::All)),
        Some("1") => Ok(Command::Epsv(Epsv::Protocol(1))),
        Some("2") => Ok(Command::Epsv(Epsv::Protocol(2))),
        Some(a) if a.bytes().all(|b| b.is_ascii_digit()) => Err(ParseError::Unsupported {
            verb: "EPSV",
            why: "network protocol not supported, use (1,2)",
        }),
        Some(_) => Err(ParseError::BadArgument {
            verb: "EPSV",
            why: "expected 1, 2 or ALL",
        }),
    }
}

/// `PORT h1,h2,h3,h4,p1,p2` (RFC 959 §4.1.2): six numbers 0-255.
fn port(arg: &str) -> Result<SocketAddr, ParseError> {
    let bad = ParseError::BadArgument {
        verb: "PORT",
        why: "expected h1,h2,h3,h4,p1,p2 (numbers 0-255)",
    };
    let mut n = [0u8; 6];
    let mut parts = arg.split(',');
    for slot in n.iter_mut() {
        let p = parts.next().ok_or_else(|| bad.clone())?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad);
        }
        *slot = p.parse::<u8>().map_err(|_| bad.clone())?;
    }
    if parts.next().is_some() {
        return Err(bad);
    }
    let ip = Ipv4Addr::new(n[0], n[1], n[2], n[3]);
    Ok(SocketAddr::new(
        IpAddr::V4(ip),
        u16::from(n[4]) << 8 | u16::from(n[5]),
    ))
}

/// `EPRT |1|132.235.1.2|6275|` or `EPRT |2|::1|6275|` (RFC 2428 §2); the delimiter is the
/// first character (printable ASCII other than a digit... any of 33-126 per the RFC).
fn eprt(arg: &str) -> Result<SocketAddr, ParseError> {
    let bad = |why| ParseError::BadArgument { verb: "EPRT", why };
    let d = arg
        .chars()
        .next()
        .ok_or(ParseError::MissingArgument("EPRT"))?;
    if !(d.is_ascii_graphic()) {
        return Err(bad("bad delimiter"));
    }
    let fields: Vec<&str> = arg.split(d).collect();
    // "", af, addr, port, ""
    let [first, af, addr, port, last] = fields.as_slice() else {
        return Err(bad("expected |af|address|port|"));
    };
    if !first.is_empty() || !last.is_empty() {
        return Err(bad("expected |af|address|port|"));
    }
    let port: u16 =
        if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) {
            port.parse().map_err(|_| bad("port out of range"))?
        } else {
            return Err(bad("port must be a number"));
        };
    let ip: IpAddr = match *af {
        "1" => IpAddr::V4(addr.parse().map_err(|_| bad("not an IPv4 address"))?),
        "2" => IpAddr::V6(addr.parse().map_err(|_| bad("not an IPv6 address"))?),
        _ => {
            return Err(ParseError::Unsupported {
                verb: "EPRT",
                why: "network protocol not supported, use (1,2)",
            });
        }
    };
    Ok(SocketAddr::new(ip, port))
}

/// `OPTS UTF8 ON|OFF`, `OPTS MLST facts` (RFC 2389 §4, RFC 3659 §7.9).
fn opts(arg: &str) -> Result<Command, ParseError> {
    let (name, value) = match arg.find(' ') {
        Some(i) => (&arg[..i], arg[i + 1..].trim()),
        None => (arg, ""),
    };
    if name.eq_ignore_ascii_case("UTF8") || name.eq_ignore_ascii_case("UTF-8") {
        return match value.to_ascii_uppercase().as_str() {
            "ON" | "" => Ok(Command::Opts(Opts::Utf8(true))),
            "OFF" => Ok(Command::Opts(Opts::Utf8(false))),
            _ => Err(ParseError::BadArgument {
                verb: "OPTS",
                why: "UTF8 takes ON or OFF",
            }),
        };
    }
    if name.eq_ignore_ascii_case("MLST") {
        let facts = value
            .split(';')
            .filter(|f| !f.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        return Ok(Command::Opts(Opts::Mlst(facts)));
    }
    Err(ParseError::BadArgument {
        verb: "OPTS",
        why: "unknown option (UTF8 and MLST are supported)",
    })
}

/// `AUTH TLS` (RFC 4217 §4); `TLS-C` and the pre-RFC `SSL` mean the same here.
fn auth(arg: &str) -> Result<Command, ParseError> {
    let m = arg.trim().to_ascii_uppercase();
    match m.as_str() {
        "TLS" | "TLS-C" | "SSL" | "TLS-P" => Ok(Command::AuthTls),
        _ => Err(ParseError::Unsupported {
            verb: "AUTH",
            why: "only AUTH TLS is supported",
        }),
    }
}

/// `PROT C|S|E|P` (RFC 2228 §3).
fn prot(arg: &str) -> Result<Command, ParseError> {
    match arg.trim().to_ascii_uppercase().as_str() {
        "C" => Ok(Command::Prot(Protection::Clear)),
        "P" => Ok(Command::Prot(Protection::Private)),
        "S" | "E" => Ok(Command::Prot(Protection::Unsupported)),
        _ => Err(ParseError::BadArgument {
            verb: "PROT",
            why: "expected C, S, E or P",
        }),
    }
}

/// `MFMT YYYYMMDDHHMMSS[.sss] path` (draft-somers-ftp-mfxx §3; RFC 3659 §2.3 time-val).
fn mfmt(arg: &str) -> Result<Command, ParseError> {
    let bad = |why| ParseError::BadArgument { verb: "MFMT", why };
    let (time, path) = arg
        .split_once(' ')
        .ok_or(bad("expected YYYYMMDDHHMMSS and a path"))?;
    if path.is_empty() {
        return Err(ParseError::MissingArgument("MFMT"));
    }
    Ok(Command::Mfmt(
        time_val(time).ok_or(bad("expected a time YYYYMMDDHHMMSS[.sss]"))?,
        path.to_string(),
    ))
}

/// RFC 3659 §2.3 `time-val`: 14 digits, optionally `.` and more digits (ignored).
fn time_val(text: &str) -> Option<Mtime> {
    let (main, frac) = match text.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (text, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| main.get(r).and_then(|s| s.parse::<i16>().ok());
    let t = Mtime {
        year: num(0..4)?,
        month: i8::try_from(num(4..6)?).ok()?,
        day: i8::try_from(num(6..8)?).ok()?,
        hour: i8::try_from(num(8..10)?).ok()?,
        minute: i8::try_from(num(10..12)?).ok()?,
        second: i8::try_from(num(12..14)?).ok()?,
    };
    let ok = (1..=12).contains(&t.month)
        && (1..=31).contains(&t.day)
        && (0..=23).contains(&t.hour)
        && (0..=59).contains(&t.minute)
        && (0..=60).contains(&t.second);
    ok.then_some(t)
}

/// Drops the line ending: LF, and one CR before it.
fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Telnet IAC.
const IAC: u8 = 255;

/// Removes Telnet commands (RFC 854): `IAC IAC` is a literal 255; `IAC WILL/WONT/DO/DONT x`
/// three bytes; any other `IAC x` (IP, DM, …) two bytes. The Synch's urgent byte reaches us
/// inline (the control socket has `SO_OOBINLINE`), so `IAC IP IAC DM ABOR` is `ABOR`.
fn strip_telnet(line: &[u8]) -> Vec<u8> {
    if !line.contains(&IAC) {
        return line.to_vec();
    }
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        if line[i] != IAC {
            out.push(line[i]);
            i += 1;
            continue;
        }
        match line.get(i + 1) {
            Some(&IAC) => {
                out.push(IAC);
                i += 2;
            }
            Some(251..=254) => i += 3,
            Some(_) => i += 2,
            None => i += 1,
        }
    }
    // A Telnet command between verb-less bytes can leave a leading space-free verb; nothing
    // else to do.
    out
}

/// The verb as printable ASCII for a reply (at most 8 characters).
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(8)
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Command {
        parse(line.as_bytes()).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    fn err(line: &[u8]) -> ParseError {
        parse(line).expect_err("an error")
    }

    #[test]
    fn verbs_are_case_insensitive_and_aliases_fold() {
        assert_eq!(ok("user uc\r\n"), Command::User("uc".into()));
        assert_eq!(ok("XPWD\r\n"), Command::Pwd);
        assert_eq!(ok("xmkd in/a\r\n"), Command::Mkd("in/a".into()));
        assert_eq!(ok("XCUP"), Command::Cdup);
    }

    #[test]
    fn line_endings_crlf_lf_or_none() {
        for l in ["NOOP\r\n", "NOOP\n", "NOOP"] {
            assert_eq!(ok(l), Command::Noop, "{l:?}");
        }
        // Only one CR is part of the ending: the name keeps a CR of its own (and the policy
        // then refuses the control character).
        assert_eq!(ok("DELE a\r\r\n"), Command::Dele("a\r".into()));
    }

    #[test]
    fn arguments_are_kept_exactly() {
        assert_eq!(
            ok("STOR  two spaces \r\n"),
            Command::Stor(" two spaces ".into())
        );
        assert_eq!(ok("PASS \r\n"), Command::Pass(Secret(String::new())));
        assert_eq!(ok("PASS"), Command::Pass(Secret(String::new())));
        assert_eq!(ok("CWD /in/é\r\n"), Command::Cwd("/in/é".into()));
    }

    #[test]
    fn latin1_is_refused_cleanly() {
        assert_eq!(err(b"STOR caf\xe9.xml\r\n"), ParseError::NotUtf8("STOR"));
        assert_eq!(err(b"STOR caf\xe9.xml\r\n").code(), 501);
    }

    #[test]
    fn numbers_are_strict() {
        assert_eq!(ok("REST 0"), Command::Rest(0));
        assert_eq!(ok("REST 18446744073709551615"), Command::Rest(u64::MAX));
        for bad in [
            "REST 18446744073709551616",
            "REST -1",
            "REST +5",
            "REST 1 2",
            "REST 0x10",
            "REST 1e3",
        ] {
            assert_eq!(err(bad.as_bytes()).code(), 501, "{bad}");
        }
        assert_eq!(err(b"REST").code(), 501);
        assert_eq!(ok("PBSZ 0"), Command::Pbsz(0));
    }

    #[test]
    fn unknown_verbs_are_502_and_empty_lines_500() {
        assert_eq!(err(b"XYZZY\r\n").code(), 502);
        assert_eq!(err(b"ACCT x\r\n").code(), 502);
        assert_eq!(err(b"REIN\r\n").code(), 502);
        assert_eq!(err(b"\r\n").code(), 500);
        assert_eq!(err(b" NOOP").code(), 502);
        assert_eq!(err(&vec![b'A'; MAX_LINE + 1]), ParseError::TooLong);
    }

    #[test]
    fn missing_arguments_are_501() {
        for l in [
            "USER", "CWD", "CWD ", "RETR", "STOR", "RNFR", "SIZE", "TYPE", "MFMT",
        ] {
            assert_eq!(err(l.as_bytes()).code(), 501, "{l}");
        }
    }

    #[test]
    fn type_mode_stru() {
        assert_eq!(ok("TYPE I"), Command::Type(DataType::Image));
        assert_eq!(ok("TYPE a"), Command::Type(DataType::Ascii));
        assert_eq!(ok("TYPE A N"), Command::Type(DataType::Ascii));
        assert_eq!(ok("TYPE L 8"), Command::Type(DataType::Image));
        assert_eq!(err(b"TYPE E").code(), 504);
        assert_eq!(err(b"TYPE X").code(), 501);
        assert_eq!(ok("MODE S"), Command::Mode);
        assert_eq!(err(b"MODE B").code(), 504);
        assert_eq!(ok("STRU f"), Command::Stru);
        assert_eq!(err(b"STRU R").code(), 504);
    }

    #[test]
    fn port_and_eprt() {
        assert_eq!(
            ok("PORT 127,0,0,1,4,1"),
            Command::Port("127.0.0.1:1025".parse().unwrap())
        );
        for bad in [
            "PORT 127,0,0,1,4",
            "PORT 256,0,0,1,4,1",
            "PORT 1,2,3,4,5,6,7",
            "PORT a,b",
        ] {
            assert_eq!(err(bad.as_bytes()).code(), 501, "{bad}");
        }
        assert_eq!(
            ok("EPRT |1|132.235.1.2|6275|"),
            Command::Eprt("132.235.1.2:6275".parse().unwrap())
        );
        assert_eq!(
            ok("EPRT !2!::1!6275!"),
            Command::Eprt("[::1]:6275".parse().unwrap())
        );
        assert_eq!(err(b"EPRT |3|x|1|").code(), 504);
        assert_eq!(err(b"EPRT |1|::1|1|").code(), 501);
        assert_eq!(err(b"EPRT |1|1.2.3.4|70000|").code(), 501);
    }

    #[test]
    fn epsv_forms() {
        assert_eq!(ok("EPSV"), Command::Epsv(Epsv::Any));
        assert_eq!(ok("EPSV all"), Command::Epsv(Epsv::All));
        assert_eq!(ok("EPSV 2"), Command::Epsv(Epsv::Protocol(2)));
        assert_eq!(err(b"EPSV 3").code(), 504);
    }

    #[test]
    fn listing_options_are_dropped() {
        assert_eq!(ok("LIST"), Command::List(None));
        assert_eq!(ok("LIST -la"), Command::List(None));
        assert_eq!(ok("LIST -a /out"), Command::List(Some("/out".into())));
        assert_eq!(ok("NLST out"), Command::Nlst(Some("out".into())));
        assert_eq!(ok("MLSD"), Command::Mlsd(None));
    }

    #[test]
    fn mfmt_time_and_path() {
        let Command::Mfmt(t, p) = ok("MFMT 20240229235960 in/a b.xml") else {
            panic!()
        };
        assert_eq!((t.year, t.month, t.day, t.second), (2024, 2, 29, 60));
        assert_eq!(p, "in/a b.xml");
        assert!(matches!(ok("MFMT 20240101000000.123 x"), Command::Mfmt(..)));
        for bad in [
            "MFMT 2024010100000 x",
            "MFMT 20241301000000 x",
            "MFMT 20240101000000. x",
            "MFMT 20240101000000",
        ] {
            assert_eq!(err(bad.as_bytes()).code(), 501, "{bad}");
        }
    }

    #[test]
    fn security_commands() {
        assert_eq!(ok("AUTH TLS"), Command::AuthTls);
        assert_eq!(ok("auth ssl"), Command::AuthTls);
        assert_eq!(err(b"AUTH GSSAPI").code(), 504);
        assert_eq!(ok("PROT P"), Command::Prot(Protection::Private));
        assert_eq!(ok("PROT c"), Command::Prot(Protection::Clear));
        assert_eq!(ok("PROT S"), Command::Prot(Protection::Unsupported));
        assert_eq!(err(b"PROT X").code(), 501);
        assert_eq!(ok("CCC"), Command::Ccc);
        assert_eq!(ok("OPTS UTF8 ON"), Command::Opts(Opts::Utf8(true)));
        assert_eq!(
            ok("OPTS MLST type;Size;"),
            Command::Opts(Opts::Mlst(vec!["type".into(), "size".into()]))
        );
    }

    #[test]
    fn telnet_interrupt_before_abor() {
        assert_eq!(parse(b"\xff\xf4\xff\xf2ABOR\r\n"), Ok(Command::Abor));
        assert_eq!(parse(b"\xff\xfb\x01NOOP\r\n"), Ok(Command::Noop));
        // IAC IAC is a literal 255: not UTF-8 in a name.
        assert_eq!(err(b"DELE a\xff\xffb").code(), 501);
    }

    #[test]
    fn passwords_do_not_show_in_debug() {
        let c = ok("PASS hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    /// The parser is total: any bytes give a command or an error, never a panic. (A cargo-fuzz
    /// target drives the same function; this is its quick form.)
    #[test]
    fn random_bytes_never_panic() {
        use rand::{Rng, SeedableRng};
        let seed: u64 = rand::random();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let alphabet: &[u8] = b"USERPASLIThCWDMFRNOPQ |,.0123456789-\r\n\xff\xf4\xe9 /";
        for _ in 0..20_000 {
            let len = rng.random_range(0..64);
            let line: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.random_bool(0.5) {
                        alphabet[rng.random_range(0..alphabet.len())]
                    } else {
                        rng.random()
                    }
                })
                .collect();
            let _ = std::panic::catch_unwind(|| parse(&line))
                .unwrap_or_else(|_| panic!("seed {seed}: parse panicked on {line:?}"));
        }
        // Every verb with every kind of argument.
        for verb in [
            "USER", "PASS", "OPTS", "TYPE", "MODE", "STRU", "EPSV", "PORT", "EPRT", "LIST", "MFMT",
            "REST", "AUTH", "PBSZ", "PROT",
        ] {
            for arg in [
                "",
                " ",
                "  ",
                "|",
                "||||",
                ",,,,,",
                "-",
                "- -",
                "\u{ff}",
                "9".repeat(30).as_str(),
            ] {
                let _ = parse(format!("{verb} {arg}").as_bytes());
            }
        }
    }
}
