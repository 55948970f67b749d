//! Transports: speak a protocol, authenticate through [`login`](crate::login), enforce the
//! [`policy`](crate::policy) through [`Home`](crate::home::Home), and report completed uploads
//! to the [`intake`](crate::intake). None of them parses an order file.

pub mod ftp;
pub mod remote;
pub mod sftp;

use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;

/// A listening socket on `addr` (non-blocking, `SO_REUSEADDR`; an IPv6 socket is IPv6-only, so
/// `0.0.0.0:N` and `[::]:N` can both be listed), bound now so a busy port is an error here.
pub fn listen_socket(addr: SocketAddr, backlog: i32) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// A transport's listener on `addr` (see [`listen_socket`]).
pub fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::from_std(listen_socket(addr, 1024)?)
}
