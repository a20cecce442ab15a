//! JSON-RPC over stdio with LSP's `Content-Length` framing.
//!
//! `lsp-server`'s own stdio transport ends its reader thread at the first frame that is not
//! valid JSON, which would leave the server deaf. This reader answers such a frame with a
//! JSON-RPC error and reads on; only the end of input ends it. Messages are `lsp-server`'s.

use std::io::{self, BufRead, Write};

use crossbeam_channel::{Receiver, unbounded};
use lsp_server::{ErrorCode, Message, RequestId};

/// What the reader hands the main loop.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// A frame that is not a JSON-RPC message: answered with this error (id `null` when the
    /// frame did not show one).
    Malformed {
        id: Option<RequestId>,
        code: ErrorCode,
        message: String,
    },
}

/// Starts the thread that reads stdin. The channel is unbounded, so the client's messages
/// queue up while an analysis runs, and the main loop can coalesce them.
pub(crate) fn stdin_reader() -> Receiver<Incoming> {
    let (sender, receiver) = unbounded();
    std::thread::Builder::new()
        .name("idlint-lsp-reader".to_owned())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            while let Some(incoming) = read(&mut input) {
                if sender.send(incoming).is_err() {
                    break;
                }
            }
        })
        .expect("the reader thread starts");
    receiver
}

/// The next frame of `input`; `None` at the end of input.
pub(crate) fn read(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length = None;
    let mut line = String::new();
    let mut bad_header = None;
    let mut headers = 0;
    loop {
        line.clear();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if headers > 0 {
                break;
            }
            // Blank lines between frames are harmless.
            continue;
        }
        headers += 1;
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length: {value:?}")),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header: {header:?}")),
        }
    }
    let Some(length) = length else {
        return Some(malformed(
            None,
            ErrorCode::ParseError,
            bad_header.unwrap_or_else(|| "no Content-Length header".to_owned()),
        ));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(parse(&body))
}

fn parse(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return malformed(None, ErrorCode::ParseError, format!("not JSON: {error}"));
        }
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    if !value.is_object() {
        return malformed(
            id,
            ErrorCode::InvalidRequest,
            "a JSON-RPC message is an object".to_owned(),
        );
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => malformed(
            id,
            ErrorCode::InvalidRequest,
            format!("not a JSON-RPC request, response or notification: {error}"),
        ),
    }
}

fn malformed(id: Option<RequestId>, code: ErrorCode, message: String) -> Incoming {
    Incoming::Malformed { id, code, message }
}

/// Writes messages to stdout, one frame each.
pub(crate) struct Writer {
    out: io::Stdout,
}

impl Writer {
    pub(crate) fn stdout() -> Writer {
        Writer { out: io::stdout() }
    }

    pub(crate) fn send(&mut self, message: Message) {
        let mut out = self.out.lock();
        // A client that went away cannot be told; the next read sees the end of input.
        let _ = message.write(&mut out);
    }

    /// An error response whose id may be `null`, which `lsp-server`'s `Response` cannot say.
    pub(crate) fn send_error(&mut self, id: Option<RequestId>, code: ErrorCode, message: &str) {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        let mut out = self.out.lock();
        let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let mut input = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read(&mut input)).collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_errors_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame("[1, 2]"),
            frame(r#"{"jsonrpc":"2.0","id":7}"#),
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
        ]
        .concat();
        let read = frames(&input);
        assert_eq!(read.len(), 4, "{read:?}");
        assert!(matches!(
            &read[0],
            Incoming::Malformed {
                id: None,
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &read[1],
            Incoming::Malformed {
                code: ErrorCode::InvalidRequest,
                ..
            }
        ));
        // `{"id": 7}` alone is a response with neither result nor error: lsp-server reads it
        // as a response, which the server ignores.
        assert!(
            matches!(&read[3], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }

    #[test]
    fn a_frame_without_content_length_is_an_error() {
        let input = format!(
            "X-Other: 1\r\n\r\n{}",
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let read = frames(&input);
        assert!(matches!(
            &read[0],
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&read[1], Incoming::Message(Message::Notification(n)) if n.method == "exit")
        );
    }
}
