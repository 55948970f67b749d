//! The canonical model (spec `formats/canonical.md`): one shape for every order, whatever cart
//! it came from, serialised with CartRover's field names.

mod money;
mod order;

pub use money::Money;
pub use order::{Item, Order, OrderStatus};
