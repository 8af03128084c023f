//! Bearer tokens: 256 bits from the OS generator, prefixed by kind so a leaked
//! token says what it opens, and stored only as a SHA-256 hash. Lookups go by
//! hash through a unique index, so no comparison ever runs on the secret.

use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Organiser,
    Invitation,
    Response,
    Feed,
}

impl TokenKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            TokenKind::Organiser => "cvn_org_",
            TokenKind::Invitation => "cvn_inv_",
            TokenKind::Response => "cvn_rsp_",
            TokenKind::Feed => "cvn_feed_",
        }
    }

    /// The kind a presented token claims, by its prefix.
    pub fn of(token: &str) -> Option<Self> {
        [
            Self::Organiser,
            Self::Invitation,
            Self::Response,
            Self::Feed,
        ]
        .into_iter()
        .find(|k| token.starts_with(k.prefix()))
    }
}

/// A freshly minted token: the secret to show once, and the hash to store.
pub struct NewToken {
    pub secret: String,
    pub hash: String,
}

pub fn generate(kind: TokenKind) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", kind.prefix(), hex::encode(bytes));
    let hash = hash(&secret);
    NewToken { secret, hash }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_kind_and_256_random_bits() {
        let a = generate(TokenKind::Response);
        let b = generate(TokenKind::Response);
        assert!(a.secret.starts_with("cvn_rsp_"));
        assert_eq!(a.secret.len(), "cvn_rsp_".len() + 64);
        assert_ne!(a.secret, b.secret);
        assert_eq!(TokenKind::of(&a.secret), Some(TokenKind::Response));
        assert_eq!(TokenKind::of("cvn_feed_x"), Some(TokenKind::Feed));
        assert_eq!(TokenKind::of("Bearer nope"), None);
    }

    #[test]
    fn only_the_hash_is_kept_and_it_is_stable() {
        let t = generate(TokenKind::Organiser);
        assert_eq!(t.hash, hash(&t.secret));
        assert_ne!(t.hash, t.secret);
        assert_eq!(t.hash.len(), 64);
    }
}
