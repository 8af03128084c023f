//! Who in a workspace may do what: a person's role, narrowed by the scope of
//! the token they act with. Every face asks [`may`] and only translates its
//! answer; nothing else decides a right.

use super::poll::string_enum;

string_enum!(
    /// A person's role in their workspace.
    Role { Owner = "owner", Editor = "editor", Viewer = "viewer" }
);

string_enum!(
    /// What an API token may do for its person: `read` only reads; `write`
    /// does whatever the person's role allows.
    Scope { Read = "read", Write = "write" }
);

/// Something a person of a workspace asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the workspace's polls, results, history, groups, invitations,
    /// feeds and webhooks, without any secret in them.
    Read,
    /// See the secrets those reads can carry: members' personal vote links,
    /// feed addresses. They are capabilities (a vote link votes), so only
    /// someone who may edit, with a token that may write, gets them.
    SeeSecrets,
    /// Polls, options, groups, invitations, mail, closing, confirming,
    /// cancelling, proxy answers, feed rotation.
    Edit,
    /// Webhooks: their secrets sign calls to the workspace's tools, so they
    /// are kept like API tokens, by owners.
    ManageWebhooks,
    /// The workspace itself (name, reply address), its people, and tokens of
    /// other people.
    ManageWorkspace,
    /// An API token of one's own.
    CreateOwnToken,
    /// Revoking one of one's own API tokens.
    RevokeOwnToken,
}

impl Action {
    /// Whether the action changes something (a `read` token never may).
    pub fn writes(self) -> bool {
        !matches!(self, Action::Read | Action::SeeSecrets)
    }
}

/// Why a person may not do something, in words a client can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAllowed {
    /// The token is a `read` token and the action writes.
    ReadOnlyToken,
    /// The token may not see secrets (`read` scope).
    SecretsNeedWriteToken,
    /// The role does not allow it.
    Role { role: Role, needs: Role },
}

impl std::fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAllowed::ReadOnlyToken => {
                f.write_str("this is a read token: it reads, and every write needs a write token")
            }
            NotAllowed::SecretsNeedWriteToken => {
                f.write_str("a read token never sees vote links, feed addresses or secrets")
            }
            NotAllowed::Role { role, needs } => write!(
                f,
                "your role in this workspace is {}; this needs {}",
                role.as_str(),
                match needs {
                    Role::Owner => "an owner",
                    Role::Editor => "an editor or an owner",
                    Role::Viewer => "a person of the workspace",
                }
            ),
        }
    }
}

/// The least role an action needs.
fn needs(action: Action) -> Role {
    match action {
        Action::Read => Role::Viewer,
        Action::SeeSecrets | Action::Edit | Action::CreateOwnToken => Role::Editor,
        Action::ManageWebhooks | Action::ManageWorkspace => Role::Owner,
        // Anyone may give up a token of their own.
        Action::RevokeOwnToken => Role::Viewer,
    }
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 0,
        Role::Editor => 1,
        Role::Owner => 2,
    }
}

/// Whether a person with `role`, acting with a token of `scope`, may do
/// `action`: the intersection of what the role and the scope allow.
pub fn may(role: Role, scope: Scope, action: Action) -> Result<(), NotAllowed> {
    if scope == Scope::Read && action.writes() {
        return Err(NotAllowed::ReadOnlyToken);
    }
    if rank(role) < rank(needs(action)) {
        return Err(NotAllowed::Role {
            role,
            needs: needs(action),
        });
    }
    if scope == Scope::Read && action == Action::SeeSecrets {
        return Err(NotAllowed::SecretsNeedWriteToken);
    }
    Ok(())
}

/// Why a change to the people of a workspace is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastOwner;

impl std::fmt::Display for LastOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "this is the workspace's last owner: make another person owner first, \
             so the workspace is never left without one",
        )
    }
}

/// Whether a person whose role is `current` may become `next` (None: be
/// removed), given how many owners the workspace has now.
pub fn ensure_owner_remains(
    current: Role,
    next: Option<Role>,
    owners: u64,
) -> Result<(), LastOwner> {
    let loses_an_owner = current == Role::Owner && next != Some(Role::Owner);
    if loses_an_owner && owners <= 1 {
        Err(LastOwner)
    } else {
        Ok(())
    }
}

/// The scope a token the CLI issues to a person gets, asked for `asked`:
/// a viewer's token only reads, whatever was asked (a write token would
/// give them nothing more, and would read as a promise it cannot keep).
pub fn issued_scope(role: Role, asked: Scope) -> Scope {
    if role == Role::Viewer {
        Scope::Read
    } else {
        asked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_s_token_only_reads() {
        assert_eq!(issued_scope(Role::Viewer, Scope::Write), Scope::Read);
        assert_eq!(issued_scope(Role::Editor, Scope::Write), Scope::Write);
        assert_eq!(issued_scope(Role::Owner, Scope::Read), Scope::Read);
    }

    const ALL: [Action; 7] = [
        Action::Read,
        Action::SeeSecrets,
        Action::Edit,
        Action::ManageWebhooks,
        Action::ManageWorkspace,
        Action::CreateOwnToken,
        Action::RevokeOwnToken,
    ];

    #[test]
    fn an_owner_with_a_write_token_may_do_everything() {
        for action in ALL {
            assert_eq!(may(Role::Owner, Scope::Write, action), Ok(()), "{action:?}");
        }
    }

    #[test]
    fn an_editor_edits_polls_but_not_people_or_webhooks() {
        for action in [
            Action::Read,
            Action::SeeSecrets,
            Action::Edit,
            Action::CreateOwnToken,
            Action::RevokeOwnToken,
        ] {
            assert_eq!(
                may(Role::Editor, Scope::Write, action),
                Ok(()),
                "{action:?}"
            );
        }
        for action in [Action::ManageWebhooks, Action::ManageWorkspace] {
            assert_eq!(
                may(Role::Editor, Scope::Write, action),
                Err(NotAllowed::Role {
                    role: Role::Editor,
                    needs: Role::Owner
                })
            );
        }
    }

    #[test]
    fn a_viewer_reads_and_never_gets_a_secret_or_a_token() {
        assert_eq!(may(Role::Viewer, Scope::Write, Action::Read), Ok(()));
        for action in [
            Action::SeeSecrets,
            Action::Edit,
            Action::CreateOwnToken,
            Action::ManageWebhooks,
            Action::ManageWorkspace,
        ] {
            assert!(
                may(Role::Viewer, Scope::Write, action).is_err(),
                "{action:?}"
            );
        }
        assert_eq!(
            may(Role::Viewer, Scope::Write, Action::RevokeOwnToken),
            Ok(())
        );
    }

    #[test]
    fn a_read_token_only_reads_whatever_the_role() {
        for role in [Role::Owner, Role::Editor, Role::Viewer] {
            assert_eq!(may(role, Scope::Read, Action::Read), Ok(()));
            for action in ALL.into_iter().filter(|a| a.writes()) {
                assert_eq!(
                    may(role, Scope::Read, action),
                    Err(NotAllowed::ReadOnlyToken),
                    "{role:?} {action:?}"
                );
            }
        }
        assert_eq!(
            may(Role::Owner, Scope::Read, Action::SeeSecrets),
            Err(NotAllowed::SecretsNeedWriteToken)
        );
    }

    #[test]
    fn refusals_say_what_is_missing() {
        let e = may(Role::Viewer, Scope::Write, Action::Edit).unwrap_err();
        assert_eq!(
            e.to_string(),
            "your role in this workspace is viewer; this needs an editor or an owner"
        );
        assert!(
            may(Role::Owner, Scope::Read, Action::Edit)
                .unwrap_err()
                .to_string()
                .contains("read token")
        );
    }

    #[test]
    fn the_last_owner_is_never_removed_or_demoted() {
        assert_eq!(ensure_owner_remains(Role::Owner, None, 1), Err(LastOwner));
        assert_eq!(
            ensure_owner_remains(Role::Owner, Some(Role::Editor), 1),
            Err(LastOwner)
        );
        assert_eq!(
            ensure_owner_remains(Role::Owner, Some(Role::Owner), 1),
            Ok(())
        );
        assert_eq!(ensure_owner_remains(Role::Owner, None, 2), Ok(()));
        assert_eq!(ensure_owner_remains(Role::Editor, None, 1), Ok(()));
    }
}
