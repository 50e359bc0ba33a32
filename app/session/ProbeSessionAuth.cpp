// The auth step of ProbeSession (kept apart from the rest of the engine for size): mechanism
// choice, the SASL exchange or the protocol's own password login, policy rules and redaction.

#include "findings/FindingCatalogue.h"
#include "findings/ReplyExplainer.h"
#include "ProbeSession.h"

namespace {
/// Challenges answered in one SASL exchange before Mailscope gives up (LOGIN needs 2).
constexpr int MaxAuthRounds = 6;
} // namespace

// ---- authentication -------------------------------------------------------------------------------

/*
 * The auth step, one state machine for every protocol:
 *
 *   start ── PREAUTH ─────────────────────────────────────────> skipped (already logged in)
 *     │ ─── nothing offered ─────────────────────────────────> skipped (no TLS) / warning (TLS)
 *     │ ─── enforce and not (TLS and trusted) ───────────────> skipped, nothing sent
 *     │ ─── SASL mechanism chosen ──> AUTH [initial response]
 *     │                                  ├─ continuation ──> answer (base64), or "*" to cancel ─┐
 *     │                                  │<────────────────────────────────────────────────────┘
 *     │                                  └─ final reply ───> ok / auth-failed
 *     └── password login (IMAP LOGIN, POP3 USER then PASS) ─> each reply positive ─> ok / auth-failed
 *
 * Secrets never reach the transcript unless showSecrets: the dialect supplies a redacted form of
 * every command that carries one.
 */
void ProbeSession::doAuth()
{
    if (m_preauthenticated) {
        completeStep(StepStatus::Skipped,
                     tr("Not needed: the server logged the session in already (PREAUTH)"));
        return;
    }
    const bool tls = underTls();
    const QStringList& caps = m_activeCapabilities;
    const QStringList offered = m_dialect->saslMechanisms(caps);
    const bool passwordLogin = m_dialect->offersPasswordLogin(caps);

    if (offered.isEmpty() && !passwordLogin) {
        if (!tls) {
            completeStep(StepStatus::Skipped,
                         tr("Not possible: the server offers no login before TLS, as it should (it wants %1 "
                            "first). Use --tls starttls to log in.")
                             .arg(m_dialect->startTlsVerb()));
        } else {
            completeStep(StepStatus::Warning, tr("Not possible: the server offers no way to log in"));
        }
        return;
    }

    const bool trusted = tls && !(m_run.tls && m_run.tls->verificationOverridden);
    if (m_options.policy == TlsPolicy::Enforce && !trusted) {
        completeStep(StepStatus::Skipped,
                     tls ? tr("Not sent: the certificate is not trusted (policy enforce)")
                         : tr("Not sent: no TLS (policy enforce)"));
        return;
    }

    const QString requested = m_options.authMechanism.trimmed().isEmpty()
                                  ? QStringLiteral("auto")
                                  : m_options.authMechanism.trimmed().toLower();
    const bool automatic = requested == QLatin1String("auto");
    const QByteArray mechanism = SaslMechanism::choose(offered, requested);
    // The protocol's own login: chosen automatically when no SASL mechanism fits, or for
    // --auth login when the server has no SASL LOGIN (IMAP LOGIN command, POP3 USER/PASS).
    const bool usePasswordLogin = mechanism.isEmpty() && passwordLogin
                                  && !m_dialect->passwordLoginName().isEmpty()
                                  && (automatic || requested == QLatin1String("login"));
    const QString offeredText = offered.isEmpty() ? tr("none") : offered.join(QLatin1Char(' '));
    if (mechanism.isEmpty() && !usePasswordLogin) {
        if (!automatic) {
            failStep(tr("The server does not offer %1 (SASL mechanisms offered: %2)")
                         .arg(requested.toUpper(), offeredText),
                     true);
        } else {
            completeStep(StepStatus::Warning,
                         tr("No login method Mailscope supports is offered (offered: %1; supported: %2)")
                             .arg(offeredText, QString::fromLatin1(SaslMechanism::supported().join(' '))));
        }
        return;
    }

    m_authRounds = 0;
    m_authCancelling = false;
    m_authProblem.clear();
    std::optional<QByteArray> initial;
    if (usePasswordLogin) {
        m_loginCommands = m_dialect->passwordLoginCommands(m_options.user, m_options.password);
        m_loginIndex = 0;
        if (m_loginCommands.isEmpty()) {
            failStep(
                tr("Cannot log in with %1: %2").arg(m_dialect->passwordLoginName(), m_dialect->problem()),
                true);
            return;
        }
        m_authMethod = m_dialect->passwordLoginName();
    } else {
        m_sasl = SaslMechanism::create(mechanism, m_options.user, m_options.password);
        m_authMethod = QString::fromLatin1(mechanism);
        if (m_dialect->acceptsInitialResponse(caps))
            initial = m_sasl->initialResponse();
    }

    if (!tls) {
        const bool reveals = usePasswordLogin || m_sasl->revealsSecret();
        addFinding(FindingCatalogue::make(
            FindingIds::CredentialsSentInPlaintext,
            tr("%1 as %2 without TLS (policy: opportunistic)").arg(m_authMethod, m_options.user),
            reveals ? Severity::Critical : Severity::Warning));
        note(tr("Sending credentials without encryption, because the policy is opportunistic"));
    } else if (!trusted) {
        note(
            tr("Sending credentials to a server whose certificate is not trusted (verification overridden)"));
    }
    note(tr("Logging in as %1 with %2").arg(m_options.user, m_authMethod));

    if (usePasswordLogin) {
        const Dialect::Command& first = m_loginCommands.constFirst();
        sendCommand(first.bytes, Dialect::Expect::Generic, first.redacted);
        return;
    }
    const Dialect::Command command = m_dialect->authenticateCommand(mechanism, initial);
    sendCommand(command.bytes, Dialect::Expect::Auth, command.redacted);
}

void ProbeSession::handleAuth(const Reply& reply)
{
    if (!m_sasl) {
        // Password login: every command must be accepted; the last one logs in.
        if (!reply.positive) {
            authFailed(reply);
            return;
        }
        if (++m_loginIndex < m_loginCommands.size()) {
            const Dialect::Command& next = m_loginCommands.at(m_loginIndex);
            sendCommand(next.bytes, Dialect::Expect::Generic, next.redacted);
            return;
        }
        authSucceeded();
        return;
    }

    if (!reply.continuation) {
        if (m_authCancelling) {
            addFinding(FindingCatalogue::make(
                FindingIds::AuthFailed, tr("%1 (exchange cancelled; the server answered: %2)")
                                            .arg(m_authProblem, QString::fromUtf8(reply.statusLine()))));
            failStep(tr("Login with %1 cancelled: %2").arg(m_authMethod, m_authProblem), true);
            m_sasl.reset();
            return;
        }
        if (reply.positive)
            authSucceeded();
        else
            authFailed(reply);
        return;
    }

    // A continuation: the server wants the next SASL message (RFC 4422 s.3.5).
    if (m_authCancelling) {
        // It ignored "*": stop talking to it.
        addFinding(FindingCatalogue::make(FindingIds::AuthFailed,
                                          tr("%1 (the server ignored the cancel)").arg(m_authProblem)));
        dropConnection();
        failStep(tr("Login with %1 failed: %2").arg(m_authMethod, m_authProblem), false);
        m_sasl.reset();
        return;
    }
    std::optional<QByteArray> response;
    if (++m_authRounds > MaxAuthRounds) {
        m_authProblem = tr("The server sent more than %1 challenges").arg(MaxAuthRounds);
    } else if (const std::optional<QByteArray> challenge = m_dialect->challenge(reply); !challenge) {
        m_authProblem = tr("The server's challenge is not valid base64: %1")
                            .arg(QString::fromUtf8(reply.statusLine().left(80)));
    } else {
        response = m_sasl->respond(*challenge);
        if (!response)
            m_authProblem = m_sasl->problem();
    }
    if (!response) {
        m_authCancelling = true;
        sendCommand(m_dialect->authCancel(), Dialect::Expect::Auth);
        return;
    }
    const Dialect::Command line = m_dialect->authResponse(*response);
    sendCommand(line.bytes, Dialect::Expect::Auth, line.redacted);
}

void ProbeSession::authSucceeded()
{
    m_sasl.reset();
    m_loginCommands.clear();
    if (underTls())
        completeStep(StepStatus::Ok,
                     tr("Logged in as %1 with %2 over TLS").arg(m_options.user, m_authMethod));
    else
        completeStep(StepStatus::Warning,
                     tr("Logged in as %1 with %2 WITHOUT TLS").arg(m_options.user, m_authMethod));
}

void ProbeSession::authFailed(const Reply& reply)
{
    const QString line = QString::fromUtf8(reply.statusLine());
    const QString meaning = ReplyExplainer::explain(m_options.protocol, reply.statusLine());
    QString detail = meaning.isEmpty() ? line : tr("%1 (%2)").arg(line, meaning);
    if (m_sasl && !m_sasl->problem().isEmpty())
        detail += QLatin1String("; ") + m_sasl->problem();
    addFinding(FindingCatalogue::make(FindingIds::AuthFailed, detail));
    m_sasl.reset();
    m_loginCommands.clear();
    failStep(
        meaning.isEmpty()
            ? tr("Login as %1 with %2 refused: %3").arg(m_options.user, m_authMethod, line)
            : tr("Login as %1 with %2 refused: %3 (%4)").arg(m_options.user, m_authMethod, meaning, line),
        true);
}
