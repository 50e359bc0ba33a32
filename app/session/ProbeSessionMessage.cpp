// The message transaction of ProbeSession (kept apart from the rest of the engine for size):
// MAIL FROM, one RCPT TO per recipient, DATA or BDAT, the final reply and its queue id. What to
// send and what a reply means is MessageTransaction's; this file moves it over the connection.
//
//   mail-from ── policy enforce, not (TLS and trusted) ──> failed, nothing sent
//       │ ───── the message cannot go (SIZE, SMTPUTF8, REQUIRETLS) ──> failed, nothing sent
//       │ ───── PIPELINING: MAIL, every RCPT and DATA in one write (RFC 2920 s.3.1); each of
//       │       the following steps then only reads its own reply, in order
//       └────── else: MAIL, and each step sends its own command (lock-step)
//   rcpt-to ×n  each recipient's own result (accepted, refused, greylisted)
//   data ──── 354 ──> the message, dot-stuffed, "." ──> 250 (queue id) / refused / lost: unknown
//        └─── BDAT n LAST + the message (RFC 3030 s.2) ──> 250 / refused / lost: unknown

#include "findings/FindingCatalogue.h"
#include "ProbeSession.h"

QList<StepId> ProbeSession::messageSteps(const ProbeOptions& options)
{
    if (!options.send || options.protocol != Protocol::Smtp)
        return {};
    QList<StepId> steps {StepId::MailFrom};
    const qsizetype recipients = std::max<qsizetype>(1, options.send->message.recipients().size());
    for (qsizetype i = 0; i < std::min<qsizetype>(recipients, TestMessage::MaxRecipients); ++i)
        steps.append(StepId::RcptTo);
    steps.append(StepId::Data);
    return steps;
}

Finding ProbeSession::lostConnectionFinding(QLatin1String usual, const QString& detail) const
{
    if (!m_messageSent)
        return FindingCatalogue::make(usual, detail);
    if (m_payloadSent < m_mail->messageSize())
        return FindingCatalogue::make(
            FindingIds::DeliveryUnknown,
            tr("%1, after %2 of the %3 bytes of the message were sent and before the server's final reply")
                .arg(detail)
                .arg(m_payloadSent)
                .arg(m_mail->messageSize()));
    return FindingCatalogue::make(
        FindingIds::DeliveryUnknown,
        tr("%1, after all %2 bytes of the message were sent and before the server's final reply")
            .arg(detail)
            .arg(m_mail->messageSize()));
}

void ProbeSession::runMessageStep(StepId id)
{
    switch (id) {
    case StepId::MailFrom:
        doMailFrom();
        return;
    case StepId::RcptTo:
        if (m_pipelinePending > 0) {
            awaitPipelinedReply();
        } else {
            sendCommand(m_mail->rcptCommand(m_rcptIndex), Dialect::Expect::Generic);
        }
        return;
    case StepId::Data:
        doData();
        return;
    default:
        return;
    }
}

void ProbeSession::handleMessageReply(const Reply& reply)
{
    if (m_pipelinePending > 0)
        --m_pipelinePending;
    switch (m_run.steps.at(m_current).id) {
    case StepId::MailFrom:
        handleMailFrom(reply);
        return;
    case StepId::RcptTo:
        handleRcptTo(reply);
        return;
    case StepId::Data:
        handleData(reply);
        return;
    default:
        return;
    }
}

void ProbeSession::awaitPipelinedReply()
{
    m_dialect->expectReply(Dialect::Expect::Generic);
    m_wait = Wait::Reply;
    if (m_transport->canReadLine() || m_transport->overflowed())
        QMetaObject::invokeMethod(this, &ProbeSession::onLinesAvailable, Qt::QueuedConnection);
}

void ProbeSession::doMailFrom()
{
    // RFC 8314 s.3 and ARCHITECTURE.md: under enforce, nothing of the message (not even the
    // envelope) goes over a connection that is not encrypted with a trusted certificate.
    const bool trusted = underTls() && m_run.tls && !m_run.tls->verificationOverridden;
    if (m_options.policy == TlsPolicy::Enforce && !trusted) {
        failStep(underTls() ? tr("Not sent: the certificate is not trusted (policy enforce)")
                            : tr("Not sent: the connection is not encrypted (policy enforce)"),
                 true);
        return;
    }
    DeliveryDescription delivery;
    delivery.tool = QStringLiteral("Mailscope %1").arg(QStringLiteral(MAILSCOPE_VERSION));
    delivery.when = QDateTime::currentDateTime();
    delivery.server = QStringLiteral("%1 port %2 (%3)")
                          .arg(m_options.host)
                          .arg(m_options.port)
                          .arg(m_run.target.connectedAddress);
    if (underTls() && m_run.tls) {
        delivery.tlsVersion = m_run.tls->protocol;
        delivery.cipher = m_run.tls->cipher;
        delivery.certificate =
            m_run.certificates.isEmpty() ? QString() : m_run.certificates.constFirst().subject;
    }
    m_mail = std::make_unique<MessageTransaction>(*m_options.send, m_activeCapabilities);
    if (const auto problem = m_mail->prepare(delivery)) {
        addFinding(FindingCatalogue::make(problem->findingId, problem->detail));
        failStep(problem->detail, true);
        return;
    }
    m_run.message = MessageInfo {QString::fromLatin1(m_mail->built().messageId), QString()};
    for (const QString& text : m_mail->notes())
        note(text);
    // A run told to stop inside the envelope sends it in lock-step: pipelined replies to commands
    // it will not wait for would arrive unasked before QUIT.
    const bool stopsInside = stopsAfter(StepId::MailFrom) || stopsAfter(StepId::RcptTo);
    if (!m_mail->pipelined() || stopsInside) {
        sendCommand(m_mail->mailFromCommand(), Dialect::Expect::Generic);
        return;
    }
    // RFC 2920 s.3.1: MAIL, the RCPTs and (last in the group) DATA go in one write; BDAT waits
    // for the envelope's replies so that no message is sent when no recipient is accepted.
    takeUnaskedData();
    if (failIfOutOfStep())
        return;
    QList<QByteArray> commands {m_mail->mailFromCommand()};
    for (int i = 0; i < m_mail->recipients().size(); ++i)
        commands.append(m_mail->rcptCommand(i));
    if (!m_mail->usesBdat())
        commands.append(MessageTransaction::dataCommand());
    QByteArray batch;
    for (const QByteArray& command : std::as_const(commands)) {
        batch += command;
        recordLine('C', QString::fromUtf8(command.chopped(2)));
    }
    note(tr("Pipelined (RFC 2920): these %n commands went in one write", nullptr, int(commands.size())));
    m_lastCommand = QString::fromUtf8(commands.constFirst().chopped(2));
    m_pipelinePending = int(commands.size());
    m_transport->write(batch);
    awaitPipelinedReply();
}

void ProbeSession::handleMailFrom(const Reply& reply)
{
    const QString line = QString::fromUtf8(reply.statusLine());
    m_senderAccepted = reply.positive;
    if (reply.positive) {
        completeStep(StepStatus::Ok, tr("Sender accepted: %1").arg(line));
        return;
    }
    addFinding(FindingCatalogue::make(FindingIds::SenderRefused, line));
    if (m_pipelinePending > 0) {
        // The RCPTs and DATA are on their way: their replies still come, and are read in order.
        completeStep(StepStatus::Failed, tr("Sender refused: %1").arg(line));
        return;
    }
    failStep(tr("Sender refused: %1").arg(line), true);
}

void ProbeSession::handleRcptTo(const Reply& reply)
{
    const QString recipient = m_mail->recipients().value(m_rcptIndex);
    ++m_rcptIndex;
    const QString line = QString::fromUtf8(reply.statusLine());
    if (reply.positive) {
        ++m_rcptAccepted;
        completeStep(StepStatus::Ok, tr("Recipient %1 accepted: %2").arg(recipient, line));
        return;
    }
    const QString id = MessageTransaction::recipientFinding(reply);
    addFinding(FindingCatalogue::make(id, tr("%1: %2").arg(recipient, line)));
    // A temporary refusal (4xx, RFC 5321 s.4.2.5) is a warning: that recipient may work later.
    completeStep(reply.code >= 400 && reply.code < 500 ? StepStatus::Warning : StepStatus::Failed,
                 tr("Recipient %1 refused: %2").arg(recipient, line));
}

void ProbeSession::doData()
{
    m_dataCommandAnswered = false;
    if (m_pipelinePending > 0) {
        awaitPipelinedReply(); // the DATA of the pipelined envelope
        return;
    }
    if (!m_senderAccepted || m_rcptAccepted == 0) {
        completeStep(StepStatus::Skipped, tr("Not sent: no recipient was accepted"));
        return;
    }
    if (m_mail->usesBdat()) {
        m_dataCommandAnswered = true;
        sendMessagePayload(false);
        return;
    }
    sendCommand(MessageTransaction::dataCommand(), Dialect::Expect::Generic);
}

void ProbeSession::sendMessagePayload(bool empty)
{
    if (empty) {
        // RFC 2920 s.3.1: DATA was accepted although no recipient was; an empty message ends it.
        recordLine('C', QStringLiteral("."));
        m_lastCommand = QStringLiteral(".");
        m_dialect->expectReply(Dialect::Expect::Generic);
        m_wait = Wait::Reply;
        m_transport->write(QByteArrayLiteral(".\r\n"));
        return;
    }
    // The transcript holds the headers and one line about the rest, never the body.
    for (const QString& line : m_mail->transcriptLines()) {
        if (line.startsWith(QLatin1Char('[')))
            note(line.mid(1).chopped(1));
        else
            recordLine('C', line);
    }
    m_lastCommand = m_mail->usesBdat() ? tr("BDAT (the message)") : tr("the message after DATA");
    m_dialect->expectReply(Dialect::Expect::Generic);
    m_wait = Wait::Reply;
    m_stepTimer.start(m_options.stepTimeoutMs);
    m_messageSent = true;
    m_payloadSent = 0;
    m_streaming = true;
    pumpMessagePayload();
}

void ProbeSession::pumpMessagePayload()
{
    // The message goes in chunks as the socket drains, so a 25 MB message is held once (as
    // built), not again in the socket's and the TLS layer's buffers.
    while (m_streaming && m_transport->pendingWriteBytes() < PayloadHighWater) {
        const qint64 total = m_mail->messageSize();
        const qint64 length = std::min<qint64>(MessageTransaction::PayloadChunkBytes, total - m_payloadSent);
        const QByteArray chunk = m_mail->payloadChunk(m_payloadSent, length);
        m_payloadSent += length;
        m_streaming = m_payloadSent < total;
        // A step's timeout is about silence: while the message flows, the clock restarts.
        m_stepTimer.start(m_options.stepTimeoutMs);
        m_transport->write(chunk);
        Q_EMIT messageProgress(m_payloadSent, total);
    }
}

void ProbeSession::handleData(const Reply& reply)
{
    const QString line = QString::fromUtf8(reply.statusLine());
    const bool nothingToSend = !m_senderAccepted || m_rcptAccepted == 0;
    if (!m_dataCommandAnswered) {
        m_dataCommandAnswered = true;
        if (reply.code == 354) {
            sendMessagePayload(nothingToSend);
            return;
        }
        if (nothingToSend) {
            // The pipelined DATA after a refused envelope: its refusal is expected (RFC 2920 s.3.1).
            completeStep(StepStatus::Skipped, tr("Not sent: no recipient was accepted (%1)").arg(line));
            return;
        }
        addFinding(FindingCatalogue::make(FindingIds::MessageRefused, line));
        failStep(tr("DATA refused: %1").arg(line), true);
        return;
    }
    if (nothingToSend) {
        completeStep(StepStatus::Skipped, tr("Not sent: no recipient was accepted (%1)").arg(line));
        return;
    }
    m_messageSent = false; // the server answered: delivery is known
    m_streaming = false; // a reply before the end (a refusal): nothing more of the message goes
    if (!reply.positive) {
        addFinding(FindingCatalogue::make(FindingIds::MessageRefused, line));
        failStep(tr("Message refused: %1").arg(line), true);
        return;
    }
    m_run.message->queueReply = line;
    const QString queueId = MessageTransaction::queueIdFrom(reply);
    completeStep(StepStatus::Ok,
                 queueId.isEmpty()
                     ? tr("Message accepted (%1): %2").arg(m_mail->sizeSummary(), line)
                     : tr("Message accepted (%1), queue id %2").arg(m_mail->sizeSummary(), queueId));
}
