mod support;

mod cli;
mod clients;
mod crash;
mod dsco;
mod dtd;
mod ftp_access;
mod ftp_flow;
mod ftps;
mod host_key;
mod intake;
mod ipv6;
mod lifecycle;
mod return_path;
mod samples;
mod sftp;
mod validate;
