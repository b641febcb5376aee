//! The operations both fronts call: use cases over the store. They return
//! data and typed errors; they never print and never take a language (the
//! command line and the screens put results into words).

pub mod case;
