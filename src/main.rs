fn main() -> std::process::ExitCode {
    idlint::cli::run()
}
