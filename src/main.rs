/// mimalloc: lowering builds the IR out of many small allocations, several times faster than
/// with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    idlint::cli::run()
}
