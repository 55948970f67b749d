//! A raw FTP control connection for tests that need exact command sequences (what a hostile
//! or clumsy client sends), with every read bounded in time.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One control connection.
pub struct Wire {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Wire {
    /// Connects and reads the greeting.
    pub fn connect(port: u16) -> Wire {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut w = Wire {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        };
        let (code, text) = w.reply();
        assert_eq!(code, 220, "greeting: {text}");
        w
    }

    /// Connects and logs in.
    pub fn login(port: u16, user: &str, pass: &str) -> Wire {
        let mut w = Wire::connect(port);
        let (c, t) = w.cmd(&format!("USER {user}"));
        assert_eq!(c, 331, "{t}");
        let (c, t) = w.cmd(&format!("PASS {pass}"));
        assert_eq!(c, 230, "{t}");
        w
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("send");
    }

    /// Sends one command and reads its reply.
    pub fn cmd(&mut self, line: &str) -> (u16, String) {
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }

    /// Reads one reply (multi-line aware); (0, "") when the server closed the connection.
    pub fn reply(&mut self) -> (u16, String) {
        let mut first = String::new();
        match self.reader.read_line(&mut first) {
            Ok(0) | Err(_) => return (0, String::new()),
            Ok(_) => {}
        }
        let code: u16 = first.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        let mut text = first.clone();
        if first.as_bytes().get(3) == Some(&b'-') {
            let end = format!("{code} ");
            loop {
                let mut line = String::new();
                if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                text.push_str(&line);
                if line.starts_with(&end) {
                    break;
                }
            }
        }
        (code, text)
    }

    /// `EPSV`, returning the port.
    pub fn epsv(&mut self) -> u16 {
        let (c, t) = self.cmd("EPSV");
        assert_eq!(c, 229, "{t}");
        let inner = t.split("|||").nth(1).unwrap();
        inner.split('|').next().unwrap().parse().unwrap()
    }

    /// `PASV`, returning the address.
    pub fn pasv(&mut self) -> Result<SocketAddr, String> {
        let (c, t) = self.cmd("PASV");
        if c != 227 {
            return Err(t);
        }
        let inside = t.split('(').nth(1).unwrap().split(')').next().unwrap();
        let n: Vec<u16> = inside.split(',').map(|x| x.parse().unwrap()).collect();
        Ok(SocketAddr::from((
            [n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8],
            n[4] * 256 + n[5],
        )))
    }

    /// `EPSV` and a connection to it.
    pub fn data(&mut self) -> TcpStream {
        let port = self.epsv();
        let s = TcpStream::connect(("127.0.0.1", port)).expect("data connection");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Reads a data connection to its end.
    pub fn read_all(mut s: TcpStream) -> Vec<u8> {
        let mut v = Vec::new();
        s.read_to_end(&mut v).expect("data");
        v
    }

    /// The control socket (to close it abruptly).
    pub fn socket(&self) -> &TcpStream {
        &self.writer
    }
}

/// Open file descriptors of a process.
pub fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}
