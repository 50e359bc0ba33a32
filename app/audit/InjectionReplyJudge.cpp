#include "InjectionReplyJudge.h"

#include "protocol/ImapDialect.h"
#include "protocol/SmtpDialect.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("InjectionReplyJudge", text, nullptr, n);
}

/// A server line as evidence: short, whatever it contains.
QString evidence(const QByteArray& line)
{
    constexpr qsizetype Max = 120;
    QString text = QString::fromLatin1(line.left(Max));
    if (line.size() > Max)
        text += QStringLiteral("…");
    return text;
}

bool isPop3Ok(const QByteArray& line) { return line == "+OK" || line.startsWith("+OK "); }
bool isPop3Err(const QByteArray& line) { return line == "-ERR" || line.startsWith("-ERR "); }

} // namespace

InjectionReplyJudge::InjectionReplyJudge(Protocol protocol, QByteArray injectedTag, QByteArray quitTag)
    : m_protocol(protocol)
    , m_injectedTag(std::move(injectedTag))
    , m_quitTag(std::move(quitTag))
{
}

InjectionReplyJudge::Verdict InjectionReplyJudge::decide(Verdict verdict, const QString& detail)
{
    if (m_verdict == Verdict::Undecided) {
        m_verdict = verdict;
        m_detail = detail;
    }
    return m_verdict;
}

void InjectionReplyJudge::noteUnasked(const QByteArray& line)
{
    if (m_unasked++ == 0)
        m_firstUnasked = line.left(200);
}

QString InjectionReplyJudge::unaskedNote() const
{
    if (m_unasked == 0)
        return {};
    return QLatin1Char(' ')
           + QCoreApplication::translate(
                 "InjectionReplyJudge",
                 "It also sent %n line(s) answering nothing the probe sent; the first: %1", nullptr,
                 m_unasked)
                 .arg(evidence(m_firstUnasked));
}

InjectionReplyJudge::Verdict InjectionReplyJudge::overflowed()
{
    return decide(Verdict::Inconclusive,
                  tr("The server sent a line longer than the probe reads inside TLS: it is flooding, not "
                     "answering; stopped reading."));
}

InjectionReplyJudge::Verdict InjectionReplyJudge::feed(const QByteArray& line)
{
    if (m_verdict != Verdict::Undecided)
        return m_verdict;
    ++m_lines;
    m_bytes += line.size() + 2;
    if (m_lines > MaxLines || m_bytes > MaxBytes) {
        return decide(
            Verdict::Inconclusive,
            tr("The server sent more than %1 lines or %2 bytes inside TLS in answer to one command: "
               "it is flooding, so no reply can be attributed to the injected command; stopped "
               "reading.")
                .arg(MaxLines)
                .arg(MaxBytes));
    }
    switch (m_protocol) {
    case Protocol::Smtp:
        return feedSmtp(line);
    case Protocol::Imap:
        return feedImap(line);
    case Protocol::Pop3:
        return feedPop3(line);
    }
    return m_verdict;
}

// ---- SMTP -----------------------------------------------------------------------------------------

InjectionReplyJudge::Verdict InjectionReplyJudge::feedSmtp(const QByteArray& line)
{
    int code = 0;
    bool more = false;
    QByteArray text;
    if (!SmtpDialect::parseLine(line, &code, &more, &text)) {
        return decide(
            Verdict::Inconclusive,
            tr("Inside TLS the server sent a line that is not an SMTP reply: %1").arg(evidence(line)));
    }
    if (m_smtpPendingCode != 0 && code != m_smtpPendingCode) {
        return decide(Verdict::Inconclusive,
                      tr("Inside TLS a multi-line reply changed its code: %1").arg(evidence(line)));
    }
    if (more) {
        m_smtpPendingCode = code;
        return m_verdict;
    }
    m_smtpPendingCode = 0;
    if (code != 221) {
        m_smtpReplies.append({code, line});
        if (m_smtpReplies.size() >= 2) {
            // Two replies and still none to QUIT: more replies than the server owes.
            return decide(Verdict::Inconclusive,
                          tr("Inside TLS the server sent more replies than the probe sent commands (%1, then "
                             "%2): none of them can be attributed to the injected command.")
                              .arg(evidence(m_smtpReplies.at(0).line), evidence(m_smtpReplies.at(1).line)));
        }
        return m_verdict;
    }
    // QUIT's reply: judge what came before it.
    if (m_smtpReplies.isEmpty()) {
        return decide(
            Verdict::NotVulnerable,
            tr("The server discarded the injected command; its only reply inside TLS was to QUIT: %1")
                .arg(evidence(line)));
    }
    const SmtpReply& before = m_smtpReplies.constFirst();
    // RFC 5321 s.4.3.2: NOOP gets 250, and any command may get an error.
    if (before.code == 250 || before.code >= 400) {
        return decide(Verdict::Vulnerable,
                      tr("inside TLS the server answered the injected command (%1) before QUIT's %2")
                          .arg(evidence(before.line))
                          .arg(code));
    }
    return decide(Verdict::NotVulnerable,
                  tr("The server discarded the injected command: NOOP is answered by 250, and the only other "
                     "reply inside TLS, sent unasked, was %1 (then QUIT's %2).")
                      .arg(evidence(before.line))
                      .arg(code));
}

InjectionReplyJudge::Verdict InjectionReplyJudge::endSmtp(bool closed)
{
    const QString how =
        closed ? tr("then it closed the connection") : tr("then nothing more arrived in time");
    if (m_smtpPendingCode != 0) {
        return decide(
            Verdict::Inconclusive,
            tr("Inside TLS the server left a %1 reply unfinished (%2).").arg(m_smtpPendingCode).arg(how));
    }
    if (m_smtpReplies.isEmpty()) {
        if (closed)
            return decide(Verdict::NotVulnerable,
                          tr("The server discarded the injected command (no reply inside TLS; it closed the "
                             "connection)."));
        return decide(Verdict::Inconclusive,
                      tr("The server sent no reply inside TLS in time, not even to QUIT."));
    }
    const SmtpReply& only = m_smtpReplies.constFirst();
    if (only.code != 250 && only.code < 400) {
        return decide(Verdict::NotVulnerable,
                      tr("The server discarded the injected command: its only reply inside TLS, %1, cannot "
                         "answer NOOP (%2).")
                          .arg(evidence(only.line), how));
    }
    return decide(
        Verdict::Inconclusive,
        tr("Inside TLS the server sent one reply (%1) and no answer to QUIT (%2): it cannot be told "
           "which command it answers.")
            .arg(evidence(only.line), how));
}

// ---- IMAP -----------------------------------------------------------------------------------------

InjectionReplyJudge::Verdict InjectionReplyJudge::feedImap(const QByteArray& line)
{
    if (line.startsWith("* "))
        return m_verdict; // untagged data answers no command (RFC 9051 s.7)
    const QByteArray tag = ImapDialect::taggedStatusTag(line);
    if (!m_injectedTag.isEmpty() && tag == m_injectedTag) {
        // Only the injected command carried this tag, and it was sent in plaintext only.
        return decide(Verdict::Vulnerable,
                      tr("inside TLS the server answered the injected command, tagged %1: %2")
                          .arg(QString::fromLatin1(m_injectedTag), evidence(line)));
    }
    if (!m_quitTag.isEmpty() && tag == m_quitTag) {
        return decide(
            Verdict::NotVulnerable,
            tr("The server discarded the injected command: inside TLS it completed only LOGOUT: %1.")
                    .arg(evidence(line))
                + unaskedNote());
    }
    noteUnasked(line);
    return m_verdict;
}

// ---- POP3 -----------------------------------------------------------------------------------------

InjectionReplyJudge::Verdict InjectionReplyJudge::feedPop3(const QByteArray& line)
{
    if (!isPop3Ok(line) && !isPop3Err(line)) {
        return decide(
            Verdict::Inconclusive,
            tr("Inside TLS the server sent a line that is not a POP3 status line: %1").arg(evidence(line)));
    }
    m_pop3Status.append(line);
    if (m_pop3Status.size() > 2) {
        return decide(
            Verdict::Inconclusive,
            tr("Inside TLS the server sent more replies than the probe sent commands (%1 status lines); "
               "none of them can be attributed to the injected command.")
                .arg(m_pop3Status.size()));
    }
    if (m_pop3Status.size() == 2 && isPop3Err(m_pop3Status.at(0)) && isPop3Ok(m_pop3Status.at(1))) {
        // The -ERR cannot be QUIT's (QUIT before login is always +OK): it answers NOOP.
        return decide(Verdict::Vulnerable,
                      tr("inside TLS the server answered the injected command (%1) before QUIT's %2")
                          .arg(evidence(m_pop3Status.at(0)), evidence(m_pop3Status.at(1))));
    }
    // One +OK may be QUIT's answer, or a second greeting with more to come: wait for the close.
    return m_verdict;
}

InjectionReplyJudge::Verdict InjectionReplyJudge::endPop3(bool closed)
{
    if (m_pop3Status.isEmpty()) {
        if (closed)
            return decide(Verdict::NotVulnerable,
                          tr("The server discarded the injected command (no reply inside TLS; it closed the "
                             "connection)."));
        return decide(Verdict::Inconclusive,
                      tr("The server sent no reply inside TLS in time, not even to QUIT."));
    }
    if (m_pop3Status.size() == 1 && isPop3Ok(m_pop3Status.at(0))) {
        return decide(
            Verdict::NotVulnerable,
            tr("The server discarded the injected command; its only reply inside TLS was to QUIT: %1")
                .arg(evidence(m_pop3Status.at(0))));
    }
    if (m_pop3Status.size() == 2 && isPop3Ok(m_pop3Status.at(0)) && isPop3Ok(m_pop3Status.at(1))) {
        return decide(
            Verdict::Inconclusive,
            tr("Inside TLS the server sent two positive replies (%1, then %2): a second greeting, or "
               "an answer to the injected NOOP that RFC 1939 forbids before login; it cannot be "
               "told which.")
                .arg(evidence(m_pop3Status.at(0)), evidence(m_pop3Status.at(1))));
    }
    QStringList lines;
    for (const QByteArray& l : std::as_const(m_pop3Status))
        lines.append(evidence(l));
    return decide(Verdict::Inconclusive,
                  tr("Inside TLS the server sent %1, which cannot be matched to NOOP (-ERR) and QUIT (+OK).")
                      .arg(lines.join(QStringLiteral(", "))));
}

// ---- the end --------------------------------------------------------------------------------------

InjectionReplyJudge::Verdict InjectionReplyJudge::end(bool closed)
{
    if (m_verdict != Verdict::Undecided)
        return m_verdict;
    switch (m_protocol) {
    case Protocol::Smtp:
        return endSmtp(closed);
    case Protocol::Pop3:
        return endPop3(closed);
    case Protocol::Imap:
        break;
    }
    // IMAP: neither the injected tag nor LOGOUT's was completed.
    if (closed)
        return decide(Verdict::NotVulnerable,
                      tr("The server discarded the injected command (it closed the connection without "
                         "completing it).")
                          + unaskedNote());
    return decide(Verdict::Inconclusive,
                  tr("The server completed neither the injected command nor LOGOUT in time.")
                      + unaskedNote());
}
