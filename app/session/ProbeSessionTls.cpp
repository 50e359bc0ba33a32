// ProbeSession, part 2: the TLS upgrade and the trust decision.
//
// RFC 3207 s.4 (and RFC 2595 s.3.1 for IMAP/POP3): after the positive reply to STARTTLS, every
// byte already received is recorded as discarded and never parsed; capabilities learned before
// TLS are forgotten; nothing is written after the handshake until the certificate is trusted.

#include "findings/FindingCatalogue.h"
#include "ProbeSession.h"
#include "tls/CertificateInspector.h"
#include "tls/TrustAssessment.h"

void ProbeSession::startHandshake()
{
    // Whatever arrived since the go-ahead (step mode leaves time for it) is not protocol either.
    discardInjectedBytes();
    reportDiscardedBytes();
    TlsClientOptions tls = m_options.tlsOverrides;
    tls.peerVerifyName = m_options.host;
    tls.extraCaCertificates = m_options.extraCaCertificates;
    note(tr("Starting the TLS handshake (the certificate must name %1)").arg(m_options.host));
    m_wait = Wait::Handshake;
    m_transport->startClientEncryption(tls);
}

void ProbeSession::onEncrypted()
{
    if (m_wait != Wait::Handshake)
        return;
    m_wait = Wait::Nothing;
    decideTrust();
}

void ProbeSession::handleStartTlsNotOffered()
{
    const bool enforce = m_options.policy == TlsPolicy::Enforce;
    addFinding(
        FindingCatalogue::make(FindingIds::StartTlsNotOffered,
                               tr("Capabilities: %1").arg(m_activeCapabilities.join(QStringLiteral(", "))),
                               enforce ? Severity::Critical : Severity::Warning));
    if (enforce) {
        failStep(tr("Server does not offer %1; stopping before anything sensitive (policy: enforce)")
                     .arg(m_dialect->startTlsVerb()),
                 true);
        return;
    }
    continueWithoutTls(tr("Server does not offer %1; continuing without encryption (policy: opportunistic)")
                           .arg(m_dialect->startTlsVerb()));
}

void ProbeSession::continueWithoutTls(const QString& summary)
{
    addFinding(FindingCatalogue::make(FindingIds::PlaintextSession));
    const QString reason = tr("Skipped: TLS is not in use");
    m_skipReasons.insert(StepId::TlsHandshake, reason);
    m_skipReasons.insert(StepId::GreetingTls, reason);
    completeStep(StepStatus::Warning, summary);
}

void ProbeSession::handleStartTls(const Reply& reply)
{
    if (reply.positive) {
        note(tr("Server agreed to start TLS; anything it sends before the handshake is discarded"));
        const bool injected = discardInjectedBytes();
        // RFC 3207 s.4: forget everything learned before TLS.
        m_activeCapabilities.clear();
        completeStep(injected ? StepStatus::Warning : StepStatus::Ok,
                     injected ? tr("Server agreed to start TLS, but sent extra bytes (discarded)")
                              : tr("Server agreed to start TLS: %1").arg(reply.text));
        return;
    }
    const bool enforce = m_options.policy == TlsPolicy::Enforce;
    const QString line = QString::fromUtf8(reply.statusLine());
    addFinding(FindingCatalogue::make(FindingIds::StartTlsRejected, line,
                                      enforce ? Severity::Critical : Severity::Warning));
    if (enforce) {
        failStep(tr("Server refused %1: %2; stopping (policy: enforce)").arg(m_dialect->startTlsVerb(), line),
                 true);
        return;
    }
    continueWithoutTls(tr("Server refused %1: %2; continuing without encryption (policy: opportunistic)")
                           .arg(m_dialect->startTlsVerb(), line));
}

bool ProbeSession::discardInjectedBytes() { return m_recorder.collectDiscarded(m_transport->takeUnread()); }

void ProbeSession::reportDiscardedBytes()
{
    const TranscriptEntry* discarded = m_recorder.flushDiscarded();
    if (!discarded)
        return;
    if (m_options.tls == TlsMode::Implicit) {
        note(tr("The server spoke in plaintext on an implicit-TLS port (%n byte(s) discarded)", nullptr,
                int(discarded->bytes)));
        return;
    }
    QString evidence = discarded->text.trimmed().replace(QLatin1String("\r\n"), QLatin1String(" / "));
    if (discarded->truncated)
        evidence += QStringLiteral(" …");
    Finding finding = FindingCatalogue::make(
        FindingIds::StartTlsResponseInjection,
        tr("%n byte(s) received after the go-ahead and before TLS: %1", nullptr, int(discarded->bytes))
            .arg(evidence));
    finding.step = discarded->step; // the STARTTLS step, where they arrived
    addFinding(std::move(finding));
}

void ProbeSession::decideTrust()
{
    const TlsHandshakeInfo info = m_transport->handshakeInfo();
    m_recorder.setTls(info.facts,
                      CertificateInspector::inspectChain(info.chain, info.errors,
                                                         QDateTime::currentDateTimeUtc(), m_options.host));
    note(tr("TLS established: %1, %2, key exchange %3")
             .arg(info.facts.protocol, info.facts.cipher, info.facts.keyExchange));
    // A certificate the user accepted in the profile answers the "who vouches for it" errors;
    // the answer is recorded as a finding, so the override is always visible.
    const TrustAssessment::Acceptance acceptance = TrustAssessment::applyAcceptedCertificates(
        info.errors, info.chain.value(0), m_options.acceptedCertificates);
    const QList<QSslError> errors = acceptance.remaining;
    if (acceptance.applied) {
        m_run.tls->trustedByProfile = true;
        QStringList answered;
        for (const QSslError& e : acceptance.answered)
            answered.append(e.errorString());
        answered.removeDuplicates();
        addFinding(
            FindingCatalogue::make(FindingIds::CertTrustedByProfile,
                                   tr("SHA-256 %1; accepted in place of: %2")
                                       .arg(acceptance.fingerprint, answered.join(QStringLiteral("; ")))));
        note(tr("Certificate accepted by your profile (SHA-256 %1)").arg(acceptance.fingerprint));
    }
    for (Finding& f : TrustAssessment::findingsFor(errors))
        addFinding(std::move(f));
    const QList<Finding> chainFindings =
        TrustAssessment::chainFindings(m_run.certificates, m_options.expiryWarningDays);
    for (const Finding& f : chainFindings)
        addFinding(f);

    const QString negotiated = tr("%1 with %2").arg(info.facts.protocol, info.facts.cipher);
    if (errors.isEmpty()) {
        Q_EMIT tlsChanged();
        completeStep(chainFindings.isEmpty() ? StepStatus::Ok : StepStatus::Warning,
                     acceptance.applied
                         ? tr("Upgraded to %1; certificate trusted by your profile").arg(negotiated)
                         : tr("Upgraded to %1; certificate verified").arg(negotiated));
        return;
    }
    const QString firstError = errors.constFirst().errorString();
    if (m_options.insecure) {
        m_run.tls->verificationOverridden = true;
        addFinding(FindingCatalogue::make(FindingIds::CertVerificationOverridden, firstError));
        note(tr("Certificate not trusted (%1); continuing because verification was overridden")
                 .arg(firstError));
        Q_EMIT tlsChanged();
        completeStep(StepStatus::Warning,
                     tr("Upgraded to %1, but the certificate is NOT trusted: %2 (overridden)")
                         .arg(negotiated, firstError));
        return;
    }
    Q_EMIT tlsChanged();
    // Strict: nothing more goes to a server whose identity is not proven, not even QUIT.
    note(tr("Certificate not trusted; closing without sending anything more"));
    dropConnection();
    failStep(tr("Certificate not trusted: %1").arg(firstError), false);
}
