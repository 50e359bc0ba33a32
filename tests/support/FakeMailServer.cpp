#include "FakeMailServer.h"

#include <functional>
#include <QFile>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <utility>

namespace {

/// QTcpServer hands out plain QTcpSockets; STARTTLS needs a QSslSocket from the first byte, and
/// QSslServer would start TLS at once. So: wrap the descriptor ourselves.
class SslCapableListener final : public QTcpServer
{
public:
    explicit SslCapableListener(std::function<void(qintptr)> onIncoming, QObject* parent)
        : QTcpServer(parent)
        , m_onIncoming(std::move(onIncoming))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_onIncoming(descriptor); }

private:
    std::function<void(qintptr)> m_onIncoming;
};

constexpr const char* Crlf = "\r\n";

QString printable(const QByteArray& bytes)
{
    constexpr qsizetype Max = 200;
    QString text = QString::fromUtf8(bytes.left(Max));
    if (bytes.size() > Max)
        text += QStringLiteral("... (%1 bytes)").arg(bytes.size());
    return text;
}

} // namespace

FakeMailServer::FakeMailServer(QObject* parent)
    : QObject(parent)
{
    m_waitTimer.setSingleShot(true);
    connect(&m_waitTimer, &QTimer::timeout, this, &FakeMailServer::onWaitTimeout);
    m_fragmentTimer.setInterval(FragmentIntervalMs);
    connect(&m_fragmentTimer, &QTimer::timeout, this, &FakeMailServer::onFragmentTimer);
    m_listener = new SslCapableListener(
        [this](qintptr descriptor) {
            auto* socket = new QSslSocket(this);
            if (!socket->setSocketDescriptor(descriptor)) {
                addError(
                    QStringLiteral("could not take the incoming connection: %1").arg(socket->errorString()));
                delete socket;
                return;
            }
            if (m_accepted) {
                addError(QStringLiteral("a second client connected; the server plays one client per script"));
                socket->abort();
                socket->deleteLater();
                return;
            }
            m_accepted = true;
            m_socket = socket;
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            connect(socket, &QSslSocket::readyRead, this, &FakeMailServer::onReadyRead);
            connect(socket, &QSslSocket::encrypted, this, &FakeMailServer::onEncrypted);
            connect(socket, &QSslSocket::disconnected, this, &FakeMailServer::onDisconnected);
            connect(socket, &QSslSocket::bytesWritten, this, &FakeMailServer::topUpFlood);
            connect(socket, &QSslSocket::encryptedBytesWritten, this, &FakeMailServer::topUpFlood);
            connect(socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
                const bool inHandshake = m_waiting && m_position < m_script.size()
                                         && m_script.at(m_position).kind == Directive::Kind::StartTls;
                if (inHandshake && error != QAbstractSocket::RemoteHostClosedError && m_socket)
                    addError(m_script.at(m_position),
                             QStringLiteral("the server-side TLS handshake failed: %1")
                                 .arg(m_socket->errorString()));
            });
            onNewConnection();
        },
        this);
}

FakeMailServer::~FakeMailServer()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

// ---- the script -------------------------------------------------------------------------------

bool FakeMailServer::loadScript(const QString& script)
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket.clear();
    }
    m_waitTimer.stop();
    m_fragmentTimer.stop();
    m_script.clear();
    m_position = 0;
    m_errors.clear();
    m_input.clear();
    m_received.clear();
    m_receivedAfterTls.clear();
    m_dataBodies.clear();
    m_currentData.clear();
    m_fragments.clear();
    m_floodChunk.clear();
    m_floodedBytes = 0;
    m_bytesAfterTls = 0;
    m_accepted = false;
    m_waiting = false;
    m_tlsActive = false;
    m_closing = false;
    m_finished = false;

    bool ok = true;
    const QStringList lines = script.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        ok = parseLine(line, i + 1) && ok;
    }
    return ok;
}

namespace {

/// E:/N: text: \\r \\n \\t \\\\ \\xNN (one byte) and \\uXXXX (UTF-8) decoded; everything else as is.
QByteArray unescaped(const QString& text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c != QLatin1Char('\\') || i + 1 >= text.size()) {
            out += QString(c).toUtf8();
            continue;
        }
        const QChar n = text.at(++i);
        if (n == QLatin1Char('r'))
            out += '\r';
        else if (n == QLatin1Char('n'))
            out += '\n';
        else if (n == QLatin1Char('t'))
            out += '\t';
        else if (n == QLatin1Char('x') && i + 2 < text.size()) {
            out += char(text.mid(i + 1, 2).toUInt(nullptr, 16));
            i += 2;
        } else if (n == QLatin1Char('u') && i + 4 < text.size()) {
            out += QString(QChar(char16_t(text.mid(i + 1, 4).toUInt(nullptr, 16)))).toUtf8();
            i += 4;
        } else
            out += QString(n).toUtf8();
    }
    return out;
}

} // namespace

bool FakeMailServer::parseLine(const QString& rawLine, int number)
{
    // Leading blanks are layout; after the directive exactly one space separates the text, and
    // the rest of the line is the text, byte for byte (trailing blanks included).
    qsizetype start = 0;
    while (start < rawLine.size()
           && (rawLine.at(start) == QLatin1Char(' ') || rawLine.at(start) == QLatin1Char('\t')))
        ++start;
    const QString line = rawLine.mid(start);
    if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
        return true;

    Directive d;
    d.lineNumber = number;
    d.source = line;
    const auto textAfter = [&line](qsizetype prefixLength) {
        QString text = line.mid(prefixLength);
        if (text.startsWith(QLatin1Char(' ')))
            text.remove(0, 1);
        return text;
    };
    const QString bare = line.trimmed();
    using Kind = Directive::Kind;

    if (bare == QLatin1String("T") || bare == QLatin1String("T?")) {
        d.kind = Kind::StartTls;
        d.clientMayClose = bare.endsWith(QLatin1Char('?'));
    } else if (bare == QLatin1String("X")) {
        d.kind = Kind::Close;
    } else if (bare == QLatin1String("D")) {
        d.kind = Kind::Drain;
    } else if (bare == QLatin1String("C*")) {
        d.kind = Kind::ConsumeData;
    } else if (line.startsWith(QLatin1String("C~"))) {
        d.kind = Kind::ExpectRegex;
        const QString pattern = textAfter(2);
        d.regex = QRegularExpression(pattern);
        if (pattern.isEmpty() || !d.regex.isValid()) {
            addError(QStringLiteral("script line %1: bad regular expression in \"%2\": %3")
                         .arg(number)
                         .arg(line, d.regex.errorString()));
            return false;
        }
    } else if (line.startsWith(QLatin1String("C:"))) {
        const QString text = textAfter(2);
        d.kind = text == QLatin1String("SKIP") ? Kind::ExpectAny : Kind::Expect;
        d.text = text.toUtf8();
    } else if (line.startsWith(QLatin1String("S:"))) {
        d.kind = Kind::Send;
        d.text = textAfter(2).toUtf8();
    } else if (line.startsWith(QLatin1String("R:"))) {
        d.kind = Kind::Raw;
        d.text = textAfter(2).toUtf8();
    } else if (line.startsWith(QLatin1String("E:"))) {
        d.kind = Kind::Send;
        d.text = unescaped(textAfter(2));
    } else if (line.startsWith(QLatin1String("N:"))) {
        // N: COUNT TEXT -- TEXT (escapes as in E:) + CRLF, COUNT times, sent like R:.
        const QString rest = textAfter(2);
        bool ok = false;
        const int count = rest.section(QLatin1Char(' '), 0, 0).toInt(&ok);
        if (!ok || count < 1) {
            addError(QStringLiteral("script line %1: \"%2\" needs a count and a text").arg(number).arg(line));
            return false;
        }
        const QByteArray one = unescaped(rest.section(QLatin1Char(' '), 1)) + Crlf;
        d.kind = Kind::Raw;
        d.text = one.repeated(count);
        d.text.chop(2); // play() adds the last CRLF
    } else if (line.startsWith(QLatin1String("F:"))) {
        d.kind = Kind::Fragmented;
        d.text = textAfter(2).toUtf8();
    } else if (line.startsWith(QLatin1String("P:"))) {
        d.kind = Kind::Partial;
        d.text = textAfter(2).toUtf8();
    } else if (line.startsWith(QLatin1String("Y:"))) {
        d.kind = Kind::Flood;
        d.text = textAfter(2).toUtf8();
    } else if (line.startsWith(QLatin1String("I:"))) {
        return true; // a note from an exported transcript
    } else if (line.startsWith(QLatin1String("W:"))) {
        d.kind = Kind::Wait;
        bool ok = false;
        d.ms = textAfter(2).trimmed().toInt(&ok);
        if (!ok || d.ms < 0) {
            addError(QStringLiteral("script line %1: \"%2\" needs a number of milliseconds")
                         .arg(number)
                         .arg(line));
            return false;
        }
    } else {
        addError(QStringLiteral("script line %1: unknown directive \"%2\"").arg(number).arg(line));
        return false;
    }
    m_script.append(d);
    return true;
}

bool FakeMailServer::loadScenario(const QString& name)
{
    const QString path = scenarioPath(name);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        loadScript(QString());
        addError(QStringLiteral("cannot read scenario %1 (%2): %3").arg(name, path, file.errorString()));
        return false;
    }
    return loadScript(QString::fromUtf8(file.readAll()));
}

QString FakeMailServer::scenarioPath(const QString& name)
{
    QString base = qEnvironmentVariable("MAILSCOPE_TEST_DATA");
    if (base.isEmpty())
        base = QStringLiteral("tests/data");
    return QStringLiteral("%1/scenarios/%2.txt").arg(base, name);
}

QString FakeMailServer::scriptFromTranscript(const QList<TranscriptEntry>& transcript)
{
    QStringList out {QStringLiteral("# Replayed from a Mailscope transcript")};
    bool tlsStarted = false;
    for (const TranscriptEntry& e : transcript) {
        // TLS starts where the tls-handshake step begins (its first own entry), or at the latest
        // at the first encrypted line: so a run that stopped right after the handshake replays too.
        const bool startsTls = !tlsStarted && !e.discarded && (e.step == StepId::TlsHandshake || e.tls);
        if (startsTls) {
            out.append(QStringLiteral("T"));
            tlsStarted = true;
        }
        if (e.discarded) {
            // One entry holds every discarded byte, line endings included: one R: per line.
            QStringList lines = e.text.split(QLatin1Char('\n'));
            if (e.text.endsWith(QLatin1Char('\n')))
                lines.removeLast();
            for (QString line : lines) {
                if (line.endsWith(QLatin1Char('\r')))
                    line.chop(1);
                out.append(QStringLiteral("R: ") + line);
            }
            continue;
        }
        QString text = e.text;
        text.replace(QLatin1Char('\n'), QLatin1Char(' '));
        switch (e.dir) {
        case 'C':
            out.append(QStringLiteral("C: ") + text);
            break;
        case 'S':
            out.append((e.discarded ? QStringLiteral("R: ") : QStringLiteral("S: ")) + text);
            break;
        default:
            out.append(QStringLiteral("# ") + text);
            break;
        }
    }
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

// ---- listening --------------------------------------------------------------------------------

bool FakeMailServer::listen()
{
    if (m_listener->isListening())
        return true;
    if (!m_listener->listen(address(), 0)) {
        addError(QStringLiteral("cannot listen on 127.0.0.1: %1").arg(m_listener->errorString()));
        return false;
    }
    return true;
}

quint16 FakeMailServer::port() const { return m_listener->serverPort(); }

bool FakeMailServer::isComplete() const { return !m_waiting && m_position >= m_script.size(); }

// ---- playing ----------------------------------------------------------------------------------

void FakeMailServer::onNewConnection()
{
    Q_EMIT clientConnected();
    play();
}

void FakeMailServer::play()
{
    using Kind = Directive::Kind;
    while (!m_finished && !m_closing && !m_waiting && m_socket && m_position < m_script.size()) {
        const Directive& d = m_script.at(m_position);
        switch (d.kind) {
        case Kind::Send:
        case Kind::Raw: {
            // R: lines right after an S: go out in the same write: a STARTTLS go-ahead with
            // something smuggled behind it arrives in one segment, as an attacker would send it.
            QByteArray out = d.text + Crlf;
            ++m_position;
            if (d.kind == Kind::Send) {
                while (m_position < m_script.size() && m_script.at(m_position).kind == Kind::Raw) {
                    out += m_script.at(m_position).text + Crlf;
                    ++m_position;
                }
            }
            m_socket->write(out);
            m_socket->flush();
            break;
        }
        case Kind::Partial:
            ++m_position;
            m_socket->write(d.text);
            m_socket->flush();
            break;
        case Kind::Fragmented:
            ++m_position;
            m_fragments = d.text + Crlf;
            m_waiting = true;
            m_fragmentTimer.start();
            onFragmentTimer(); // the first byte at once
            return;
        case Kind::Expect:
        case Kind::ExpectRegex:
        case Kind::ExpectAny: {
            QByteArray line;
            if (!takeLine(&line))
                return;
            bool ok = true;
            if (d.kind == Kind::Expect)
                ok = line == d.text;
            else if (d.kind == Kind::ExpectRegex)
                ok = d.regex.match(QString::fromUtf8(line)).hasMatch();
            if (!ok) {
                addError(d, QStringLiteral("the client sent \"%1\"").arg(printable(line)));
                // The conversation has diverged: end it so the test fails fast.
                closeConnection();
                return;
            }
            ++m_position;
            break;
        }
        case Kind::ConsumeData: {
            QByteArray line;
            while (takeLine(&line)) {
                if (line == ".") {
                    m_dataBodies.append(m_currentData);
                    m_currentData.clear();
                    break;
                }
                m_currentData += line + Crlf;
                line.clear();
            }
            if (line != ".")
                return;
            ++m_position;
            break;
        }
        case Kind::StartTls: {
            if (!m_input.isEmpty()) {
                // RFC 3207 s.4 from the other side: a client must wait for the go-ahead and then
                // send nothing but its ClientHello.
                addError(d,
                         QStringLiteral("the client sent %1 plaintext byte(s) before the handshake: \"%2\"")
                             .arg(m_input.size())
                             .arg(printable(m_input)));
                m_input.clear();
            }
            if (m_chain.isEmpty() || m_key.isNull()) {
                addError(d, QStringLiteral("no certificate chain and key configured for TLS"));
                closeConnection();
                return;
            }
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.setLocalCertificateChain(m_chain);
            config.setPrivateKey(m_key);
            config.setPeerVerifyMode(QSslSocket::VerifyNone);
            m_socket->setSslConfiguration(config);
            m_waiting = true;
            m_socket->startServerEncryption();
            return; // continues in onEncrypted()
        }
        case Kind::Drain:
            if (m_input.isEmpty())
                return;
            m_input.clear();
            ++m_position;
            break;
        case Kind::Wait:
            ++m_position;
            m_waiting = true;
            m_waitTimer.start(d.ms);
            return;
        case Kind::Close:
            ++m_position;
            reportLeftoverInput(QStringLiteral("before the server closed the connection"));
            closeConnection();
            return;
        case Kind::Flood: {
            // ~64 KiB per write: large enough to flood fast, small enough to pace.
            const QByteArray line = d.text + Crlf;
            m_floodChunk = line.repeated(std::max<qsizetype>(1, 64 * 1024 / line.size()));
            m_waiting = true;
            topUpFlood();
            return; // ends when the client closes (onDisconnected)
        }
        }
    }
    if (!m_finished && !m_waiting && m_position >= m_script.size()) {
        // The script is over; the connection stays open for the client to end it.
        QByteArray line;
        while (takeLine(&line))
            addError(
                QStringLiteral("after the end of the script the client sent \"%1\"").arg(printable(line)));
    }
}

bool FakeMailServer::takeLine(QByteArray* line)
{
    const qsizetype eol = m_input.indexOf('\n');
    if (eol < 0)
        return false;
    *line = m_input.left(eol);
    m_input.remove(0, eol + 1);
    if (line->endsWith('\r'))
        line->chop(1);
    else
        addError(QStringLiteral("the client ended the line \"%1\" with a bare LF, not CRLF")
                     .arg(printable(*line)));
    m_received.append(*line);
    if (m_tlsActive)
        m_receivedAfterTls.append(*line);
    return true;
}

void FakeMailServer::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (m_tlsActive)
        m_bytesAfterTls += bytes.size();
    if (m_finished)
        return;
    m_input += bytes;
    if (!m_floodChunk.isEmpty()) {
        // A flood does not listen: record what the client says, check nothing.
        QByteArray line;
        while (takeLine(&line)) { }
        return;
    }
    play();
}

void FakeMailServer::topUpFlood()
{
    if (m_floodChunk.isEmpty() || !m_socket || m_finished || m_closing)
        return;
    while (m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite() < FloodHighWater
           && m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->write(m_floodChunk);
        m_floodedBytes += m_floodChunk.size();
    }
}

void FakeMailServer::onEncrypted()
{
    m_tlsActive = true;
    m_waiting = false;
    ++m_position;
    Q_EMIT tlsStarted();
    play();
}

void FakeMailServer::onWaitTimeout()
{
    m_waiting = false;
    play();
}

void FakeMailServer::onFragmentTimer()
{
    if (!m_socket || m_finished) {
        m_fragmentTimer.stop();
        return;
    }
    m_socket->write(m_fragments.left(1));
    m_socket->flush();
    m_fragments.remove(0, 1);
    if (m_fragments.isEmpty()) {
        m_fragmentTimer.stop();
        m_waiting = false;
        play();
    }
}

void FakeMailServer::onDisconnected()
{
    if (m_finished)
        return;
    if (!m_floodChunk.isEmpty()) {
        // The client hanging up is how a flood ends.
        m_floodChunk.clear();
        m_waiting = false;
        ++m_position;
    }
    if (!m_closing && m_waiting && m_position < m_script.size()) {
        const Directive& current = m_script.at(m_position);
        if (current.kind == Directive::Kind::StartTls && current.clientMayClose) {
            m_waiting = false;
            ++m_position;
        }
    }
    if (!m_closing) {
        // Expectations the client left unmet. Sends, waits and closes still pending are not the
        // client's fault; lines the server would have waited for are.
        using Kind = Directive::Kind;
        for (qsizetype i = m_position; i < m_script.size(); ++i) {
            const Directive& d = m_script.at(i);
            if (d.kind == Kind::Expect || d.kind == Kind::ExpectRegex || d.kind == Kind::ExpectAny
                || d.kind == Kind::ConsumeData || d.kind == Kind::StartTls || d.kind == Kind::Drain) {
                addError(d, QStringLiteral("never happened: the client closed the connection first"));
                break;
            }
        }
        reportLeftoverInput(QStringLiteral("before it closed the connection"));
    }
    finish();
}

void FakeMailServer::reportLeftoverInput(const QString& when)
{
    QByteArray line;
    while (takeLine(&line))
        addError(QStringLiteral("the client sent \"%1\" %2, and the script never read it")
                     .arg(printable(line), when));
    if (!m_input.isEmpty()) {
        addError(QStringLiteral("the client sent %1 byte(s) without a line ending %2: \"%3\"")
                     .arg(m_input.size())
                     .arg(when, printable(m_input)));
        m_input.clear();
    }
}

void FakeMailServer::closeConnection()
{
    m_closing = true;
    m_waitTimer.stop();
    m_fragmentTimer.stop();
    if (m_socket)
        m_socket->disconnectFromHost();
    finish();
}

void FakeMailServer::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_waiting = false;
    m_waitTimer.stop();
    m_fragmentTimer.stop();
    Q_EMIT finished();
}

void FakeMailServer::addError(const QString& text) { m_errors.append(text); }

void FakeMailServer::addError(const Directive& d, const QString& text)
{
    m_errors.append(QStringLiteral("script line %1 (%2): %3").arg(d.lineNumber).arg(d.source, text));
}
