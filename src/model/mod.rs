//! The canonical model: one shape for every order, whatever cart
//! it came from, serialised with CartRover's field names.

mod cancel;
mod inventory;
mod money;
mod order;
mod product;
mod shipment;

pub use cancel::{CanceledItem, Cancellation};
pub use inventory::InventoryLevel;
pub use money::Money;
pub use order::{Item, Order, OrderStatus};
pub use product::Product;
pub use shipment::{Shipment, ShipmentNotice, ShippedItem, check_rfc3339};
