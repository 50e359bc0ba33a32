// ProbeSession, part 4: the right hint instead of a wrong diagnosis.
//
// Two common mistakes look like broken servers from inside a conversation: a port that speaks
// implicit TLS (RFC 8314 s.3.3) sends no plaintext greeting, so a STARTTLS client waits out its
// timeout; and a port that speaks another protocol (IMAP on a port the user checks as SMTP, an
// HTTP or SSH server) greets with words the dialect calls malformed. Both are recognised at the
// banner, before any command is sent: the first bytes are identified (GreetingSniffer), and a
// silent port is asked, on a new connection, whether it answers a TLS ClientHello (PortSniffer).
// The mirror case too: an implicit-TLS handshake that fails on a port which, asked again without
// TLS, greets in plaintext. The run then says what is there and carries the corrected settings
// (Run::suggestion).

#include "findings/FindingCatalogue.h"
#include "ProbeSession.h"

#include <algorithm>
#include <QCoreApplication>

namespace {

/// Printable text as it is; binary (a TLS record) as a short hex dump.
QString shownBytes(const QByteArray& bytes)
{
    const bool binary = std::any_of(bytes.cbegin(), bytes.cend(), [](char c) {
        const auto u = quint8(c);
        return u < 0x20 && c != '\t' && c != '\r' && c != '\n';
    });
    if (!binary)
        return QString::fromUtf8(bytes.left(200));
    // No plural form: the evidence stays the same in every language's report.
    return QCoreApplication::translate("ProbeSession", "%1 (hex)")
        .arg(QString::fromLatin1(bytes.left(16).toHex(' '))
             + (bytes.size() > 16 ? QStringLiteral(" …") : QString()));
}

} // namespace

int ProbeSession::sniffBoundMs() const
{
    // A TLS server answers a ClientHello in one round trip; the bound only guards against a port
    // that swallows it. Never longer than a step, never so short that a loaded machine misses it.
    return std::clamp(m_options.stepTimeoutMs, 1000, 5000);
}

bool ProbeSession::diagnoseForeignGreeting(const QByteArray& firstBytes)
{
    if (m_current < 0 || m_run.steps.at(m_current).id != StepId::Banner || m_bannerLineSeen)
        return false;
    m_bannerLineSeen = true;
    using namespace GreetingSniffer;
    const Speaker speaker = identify(firstBytes);
    if (!isForeign(speaker, m_options.protocol))
        return false;
    dropConnection();
    if (speaker == Speaker::Tls) {
        // RFC 8446 s.5.1: a record header where a greeting belongs; only a TLS server sends that.
        suggest(m_options.protocol, TlsMode::Implicit);
        addFinding(FindingCatalogue::make(FindingIds::ImplicitTlsExpected,
                                          tr("TLS record bytes arrived where the %1 greeting belongs: %2")
                                              .arg(displayName(m_options.protocol), shownBytes(firstBytes))));
        failStep(tr("The server spoke TLS instead of greeting: this port expects TLS at once"), false);
        return true;
    }
    const QString evidence = tr("%1 answered: %2").arg(describe(speaker), shownBytes(firstBytes));
    if (const std::optional<Protocol> other = mailProtocol(speaker))
        suggest(*other, m_options.tls);
    addFinding(FindingCatalogue::make(FindingIds::WrongProtocol, evidence));
    failStep(tr("Not %1: %2").arg(displayName(m_options.protocol), evidence), false);
    return true;
}

bool ProbeSession::diagnosePartialGreeting()
{
    if (m_current < 0 || m_run.steps.at(m_current).id != StepId::Banner || m_bannerLineSeen)
        return false;
    // Bytes without a line ending may be all a foreign server sent (a TLS alert, a prompt).
    const QByteArray partial = m_transport->unreadBytes();
    if (partial.isEmpty())
        return false;
    recordLine('S', shownBytes(partial));
    return diagnoseForeignGreeting(partial);
}

bool ProbeSession::diagnoseSilentBanner()
{
    if (m_run.steps.at(m_current).id != StepId::Banner)
        return false;
    if (diagnosePartialGreeting())
        return true;
    // Only a port that said nothing at all is asked: any plaintext means something talks there.
    // Inside implicit TLS, a silent port says nothing new about TLS.
    if (m_bannerLineSeen || !m_transport->unreadBytes().isEmpty() || m_options.tls == TlsMode::Implicit
        || m_addressIndex < 0)
        return false;
    dropConnection();
    note(tr("No greeting within %1 s; asking on a new connection whether this port expects TLS at once")
             .arg(m_options.stepTimeoutMs / 1000.0));
    startSniffer(PortSniffer::Question::ImplicitTls);
    return true;
}

bool ProbeSession::diagnoseFailedImplicitHandshake(const QString& error)
{
    // Only the implicit-TLS handshake at the start can meet a plaintext greeting.
    if (m_options.tls != TlsMode::Implicit || m_run.steps.at(m_current).id != StepId::TlsHandshake
        || m_addressIndex < 0 || m_sniffer || !PortSniffer::namesPlaintextPeer(error))
        return false;
    m_handshakeError = error;
    m_connected = false;
    m_transport->abort();
    note(tr("TLS handshake failed: %1; asking on a new connection whether this port greets in plaintext")
             .arg(error));
    startSniffer(PortSniffer::Question::PlaintextGreeting);
    return true;
}

void ProbeSession::startSniffer(PortSniffer::Question question)
{
    m_wait = Wait::Sniff;
    m_sniffer = std::make_unique<PortSniffer>();
    connect(m_sniffer.get(), &PortSniffer::finished, this, &ProbeSession::onSniffed);
    m_sniffer->start(question, m_addresses.at(m_addressIndex), m_options.port, m_options.host,
                     sniffBoundMs());
}

void ProbeSession::onSniffed()
{
    if (m_wait != Wait::Sniff || !m_sniffer)
        return;
    m_wait = Wait::Nothing;
    const PortSniffer::Result result = m_sniffer->result();
    note(result.evidence);
    if (m_sniffer->question() == PortSniffer::Question::PlaintextGreeting) {
        concludePlaintextSniff(result);
        return;
    }
    const double seconds = m_options.stepTimeoutMs / 1000.0;
    if (!result.tls) {
        addFinding(FindingCatalogue::make(FindingIds::ServerTimeout,
                                          tr("No complete reply within %1 s in step %2. %3")
                                              .arg(seconds)
                                              .arg(toKey(StepId::Banner), result.evidence)));
        failStep(tr("No complete reply within %1 s").arg(seconds), false);
        return;
    }
    const Protocol protocol = GreetingSniffer::mailProtocol(result.greeting).value_or(m_options.protocol);
    suggest(protocol, TlsMode::Implicit);
    addFinding(FindingCatalogue::make(
        FindingIds::ImplicitTlsExpected,
        tr("No greeting in plaintext within %1 s. %2").arg(seconds).arg(result.evidence)));
    failStep(tr("No greeting in plaintext: this port expects TLS at once (implicit TLS)"), false);
}

void ProbeSession::concludePlaintextSniff(const PortSniffer::Result& result)
{
    using namespace GreetingSniffer;
    const QString evidence = tr("The TLS handshake failed (%1). %2").arg(m_handshakeError, result.evidence);
    if (const std::optional<Protocol> protocol = mailProtocol(result.greeting)) {
        // RFC 8314 s.3.3 vs RFC 3207: a port that greets in plaintext wants STARTTLS, not implicit TLS.
        suggest(*protocol, TlsMode::StartTls);
        addFinding(FindingCatalogue::make(FindingIds::StartTlsExpected, evidence));
        failStep(tr("This port greets in plaintext (%1): it expects STARTTLS, not implicit TLS")
                     .arg(displayName(*protocol)),
                 false);
        return;
    }
    if (result.greeting != Speaker::Unknown) {
        addFinding(FindingCatalogue::make(
            FindingIds::WrongProtocol,
            tr("%1 answered: %2").arg(describe(result.greeting), QString::fromUtf8(result.greetingLine))));
        failStep(tr("Not %1: %2 answered").arg(displayName(m_options.protocol), describe(result.greeting)),
                 false);
        return;
    }
    // Nothing recognisable in plaintext either: the handshake failure is the finding, as before.
    addFinding(FindingCatalogue::make(FindingIds::TlsHandshakeFailed, evidence));
    failStep(tr("TLS handshake failed: %1").arg(m_handshakeError), false);
}

void ProbeSession::suggest(Protocol protocol, TlsMode tls)
{
    RunSuggestion s;
    s.protocol = protocol;
    s.tls = tls;
    const bool otherProtocol = protocol != m_options.protocol;
    const bool otherTls = tls != m_options.tls;
    if (otherProtocol && otherTls && tls == TlsMode::Implicit)
        s.reason = tr("This port expects TLS at once and speaks %1: run again as %1 with implicit TLS.")
                       .arg(displayName(protocol));
    else if (otherTls && tls == TlsMode::Implicit)
        s.reason = tr("This port expects TLS at once: run again with implicit TLS.");
    else if (otherTls)
        s.reason = tr("This port greets in plaintext: run again with %1.")
                       .arg(tls == TlsMode::StartTls ? tr("STARTTLS") : tr("no TLS"));
    else
        s.reason = tr("This port speaks %1: run again as %1.").arg(displayName(protocol));
    m_run.suggestion = s;
}
