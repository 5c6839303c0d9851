//! Text encodings: one pass over a file that hashes it, keeps its head and finds the first
//! byte that is not UTF-8; a streaming decoder from GB18030 or UTF-16 to UTF-8 that fails on
//! a malformed sequence instead of replacing it.

use super::HEAD_BYTES;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// What one pass over a file learns: its hash, its first bytes, whether it is all UTF-8
/// (else the offset of the first bad byte), and whether it holds anything but whitespace.
pub(super) struct Scan {
    pub sha256: String,
    pub head: Vec<u8>,
    pub utf8_error: Option<u64>,
    pub blank: bool,
}

pub(super) fn scan(input: &mut impl Read) -> io::Result<Scan> {
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    // An incomplete UTF-8 sequence at the end of one chunk, finished by the next.
    let mut carry: Vec<u8> = Vec::new();
    let (mut offset, mut utf8_error, mut blank) = (0u64, None, true);
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        hasher.update(chunk);
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
        }
        if blank && !chunk.iter().all(u8::is_ascii_whitespace) {
            blank = false;
        }
        if utf8_error.is_none() {
            let checked_from = offset - carry.len() as u64;
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    carry.drain(..e.valid_up_to());
                }
                Err(e) => {
                    utf8_error = Some(checked_from + e.valid_up_to() as u64);
                    carry.clear();
                }
            }
        }
        offset += n as u64;
    }
    if utf8_error.is_none() && !carry.is_empty() {
        utf8_error = Some(offset - carry.len() as u64);
    }
    let digest = hasher.finalize();
    Ok(Scan {
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        head,
        utf8_error,
        blank,
    })
}

/// The start of the text, for sniffing (a character cut at the end of the head is dropped).
pub(super) fn decode_head(head: &[u8], decoder: Option<&'static encoding_rs::Encoding>) -> String {
    match decoder {
        Some(enc) => {
            let mut d = enc.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(head.len() * 2);
            let _ = d.decode_to_string(head, &mut out, false);
            out
        }
        None => {
            let valid = match std::str::from_utf8(head) {
                Ok(s) => s.len(),
                Err(e) => e.valid_up_to(),
            };
            String::from_utf8_lossy(&head[..valid]).into_owned()
        }
    }
}

/// Turns a stream in a legacy or UTF-16 encoding into UTF-8 as it is read; a malformed
/// sequence is an `InvalidData` error, never a replacement character.
pub(super) struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    done: bool,
    out: Vec<u8>,
    out_pos: usize,
}

impl<R: Read> DecodeReader<R> {
    pub(super) fn new(inner: R, enc: &'static encoding_rs::Encoding) -> Self {
        DecodeReader {
            inner,
            decoder: enc.new_decoder_without_bom_handling(),
            input: vec![0; 16 * 1024],
            in_start: 0,
            in_end: 0,
            eof: false,
            done: false,
            out: Vec::new(),
            out_pos: 0,
        }
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.eof = n == 0;
                (self.in_start, self.in_end) = (0, n);
            }
            let pending = &self.input[self.in_start..self.in_end];
            // Three bytes of UTF-8 per input byte at most, plus what the decoder holds.
            self.out.clear();
            self.out.resize(pending.len() * 3 + 16, 0);
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(pending, &mut self.out, self.eof);
            self.in_start += read;
            self.out.truncate(written);
            self.out_pos = 0;
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.done = self.eof,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "文本中有按所判定编码无法解码的字节",
                    ));
                }
            }
        }
    }
}

/// Control characters other than tab, CR and LF do not occur in a spreadsheet's text.
pub(super) fn looks_binary(text: &str) -> bool {
    text.chars()
        .take(8192)
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{1A}'))
}
