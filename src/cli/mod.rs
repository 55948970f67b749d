//! The `wharf` command line: argument parsing and one function per command, each a thin call
//! into the library. This is the edge where errors become messages and exit codes (`anyhow`
//! and `clap` live here only). Output goes through [`outln!`], so a closed pipe
//! (`wharf orders list | head`) ends the command quietly with status 0.

/// `println!` that returns the write's error instead of panicking (a closed pipe among them).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod catalog;
mod convert;
mod host_key;
mod orders;
mod passwd;
mod requeue;
mod serve;
mod validate;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Wharf: FTP/FTPS/SFTP file-exchange gateway for e-commerce order integration.
///
/// Partners (carts and warehouses) log in over FTP, each locked in its own home with in/,
/// out/, archive/ and error/ folders. Uploaded order files are validated, converted to
/// canonical orders, and delivered to the warehouse's out/; every input ends in archive/ or
/// in error/ with a report.
#[derive(Debug, Parser)]
#[command(name = "wharf", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gateway: listeners, watcher and pipeline, until SIGINT/SIGTERM.
    ///
    /// Without --config, ./wharf.toml is used if present; otherwise the embedded demo starts
    /// (data in ./wharf-data, FTP on 127.0.0.1:2121, generated passwords printed once).
    Serve {
        /// Configuration file (TOML).
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Once every listener listens, write the addresses actually bound to this file (JSON:
        /// {"ftp": ["127.0.0.1:2121"], "sftp": ["127.0.0.1:2222"]}), atomically. With port 0
        /// in `listen`, this is how a caller learns the ports the system chose.
        #[arg(long, value_name = "PATH")]
        ready_file: Option<PathBuf>,
    },
    /// Load and check the configuration; print each problem as FILE:LINE: message.
    Check {
        /// Configuration file (TOML); default ./wharf.toml.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Parse one partner file and print its canonical orders as a JSON array.
    ///
    /// With --format: no store and no partner mappings; cust_ref as it would be assigned on an
    /// empty store. With --config and --partner: the mapping preview, that cart's aliases,
    /// ship methods, distribution center, kits, go-live date and SKU check, and a summary per
    /// order on stderr (sent, held, skipped, rejected); the store is read, never written.
    Convert {
        /// The file's format.
        #[arg(long, short, value_parser = format_names(), required_unless_present = "partner")]
        format: Option<String>,
        /// Configuration file (TOML), for --partner.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Preview the file as this cart partner would send it.
        #[arg(long, short, conflicts_with = "format")]
        partner: Option<String>,
        /// The file to convert.
        file: PathBuf,
    },
    /// Check XML files for well-formedness and validity against their DTD.
    ///
    /// Prints FILE:LINE:COL: error: MESSAGE per problem; exit 0 all valid, 1 any problem,
    /// 2 a file or DTD that cannot be read. Never uses the network.
    Validate {
        /// Validate against this DTD whatever the DOCTYPE says (like xmllint --dtdvalid).
        #[arg(long)]
        dtd: Option<PathBuf>,
        /// An OASIS XML catalog mapping public/system identifiers to local files.
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// The XML files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Read a password on stdin and print its argon2id hash for `password_hash`.
    Passwd,
    /// Print an SFTP server's SSH host key, to pin as `host_key` in [partner.remote].
    ///
    /// Connects to sftp://HOST[:PORT] (default port 22), reads the host key without logging
    /// in, prints it as one OpenSSH public key line ("ssh-ed25519 AAAA...") and disconnects.
    /// Check it with the partner out of band before pinning it. Exit 0 printed, 1 the server
    /// could not be reached or is not SSH (10 s timeout), 2 a bad URL.
    HostKey {
        /// The server, as sftp://HOST:PORT.
        url: String,
    },
    /// The order store: list orders or show one with its history. Safe while serve runs.
    Orders {
        /// Configuration file (TOML); default ./wharf.toml, else the demo's ./wharf-data.
        #[arg(long, short)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        command: OrdersCommand,
    },
    /// Each warehouse's catalog (from its product and inventory files). Safe while serve runs.
    Catalog {
        /// Configuration file (TOML); default ./wharf.toml, else the demo's ./wharf-data.
        #[arg(long, short)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Move files from a partner's error/ or archive/ back into its in/ to be processed again.
    Requeue {
        /// Files under DATA_DIR/partners/NAME/error/ or .../archive/.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum OrdersCommand {
    /// One line per order, tab-separated with a header: cust_ref source cust_po_no status order_date.
    List {
        /// Only orders with this status (new, at_wms, partial, shipped, confirmed, skipped, error, held, canceled).
        #[arg(long, short, value_parser = status_names())]
        status: Option<String>,
    },
    /// One order as canonical JSON with its order_status and history.
    Show {
        /// A cust_ref, or a cust_po_no when only one source has it.
        reference: String,
    },
    /// Send a held order to its warehouse as it is (the server must be stopped).
    Release {
        /// The order's cust_ref.
        reference: String,
    },
    /// Cancel an order not yet shipped; the warehouse gets cancel_<cust_ref>.json when it had
    /// the order (the server must be stopped).
    Cancel {
        /// The order's cust_ref.
        reference: String,
        /// Why, for the history and the warehouse.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// One line per SKU, tab-separated with a header: warehouse sku active description.
    List,
    /// One SKU as JSON, from every warehouse's catalog that has it.
    Show {
        /// The warehouse SKU.
        sku: String,
    },
}

/// The names of the formats Wharf speaks, for `--format`.
fn format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(wharf::formats::FORMATS.iter().map(|f| f.as_str()))
}

/// The names of the order statuses, for `--status`.
fn status_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(wharf::model::OrderStatus::ALL.map(|s| s.as_str()))
}

/// Parses the arguments and runs the command; returns the process exit code.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { config, ready_file } => {
            serve::run(config.as_deref(), ready_file.as_deref())
        }
        Command::Check { config } => serve::check(config.as_deref()),
        Command::Convert {
            format,
            config,
            partner,
            file,
        } => match (partner, format) {
            (Some(partner), _) => convert::preview(config.as_deref(), &partner, &file),
            (None, Some(format)) => convert::run(&format, &file),
            (None, None) => Ok(ExitCode::FAILURE),
        },
        Command::Validate {
            dtd,
            catalog,
            files,
        } => validate::run(dtd.as_deref(), catalog.as_deref(), &files),
        Command::Passwd => passwd::run(),
        Command::HostKey { url } => host_key::run(&url),
        Command::Orders { config, command } => match command {
            OrdersCommand::List { status } => orders::list(config.as_deref(), status.as_deref()),
            OrdersCommand::Show { reference } => orders::show(config.as_deref(), &reference),
            OrdersCommand::Release { reference } => {
                orders::act(config.as_deref(), &reference, true, None)
            }
            OrdersCommand::Cancel { reference, reason } => {
                orders::act(config.as_deref(), &reference, false, reason.as_deref())
            }
        },
        Command::Catalog { config, command } => match command {
            CatalogCommand::List => catalog::list(config.as_deref()),
            CatalogCommand::Show { sku } => catalog::show(config.as_deref(), &sku),
        },
        Command::Requeue { paths } => requeue::run(&paths),
    };
    match result {
        Ok(code) => code,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wharf: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `e` is a write to a closed pipe: the reader has what it wanted (`| head`).
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
