#pragma once

#include "protocol/GreetingSniffer.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QSslSocket>
#include <QTimer>

/**
 * A quick, bounded answer to one question about a port, asked on a NEW connection to the same
 * address with a real QSslSocket, when the check's own connection went wrong at its start:
 *
 * - ImplicitTls, for a port that accepted a connection and sent no greeting: "does it speak TLS
 *   at once?" A client handshake starts at once, as an implicit-TLS client (RFC 8314 s.3.3)
 *   would. A completed handshake, or a TLS alert in answer to the ClientHello, means TLS;
 *   plaintext, a hang-up or silence means not. After a completed handshake, the first line
 *   inside TLS tells which mail protocol is behind it (GreetingSniffer).
 * - PlaintextGreeting, for a port where an implicit-TLS handshake failed: "does it greet in
 *   plaintext?" Nothing is sent; the first line that arrives is identified.
 *
 * Nothing is verified and nothing is sent but a ClientHello: a sniff, not a session. The probe
 * ends within the bound given to start(); finished() is emitted once.
 */
class PortSniffer final : public QObject
{
    Q_OBJECT

public:
    enum class Question
    {
        ImplicitTls,
        PlaintextGreeting,
    };

    struct Result
    {
        /// The server answered the ClientHello in TLS (a ServerHello or an alert).
        bool tls = false;
        /// The negotiated version ("TLSv1.3") when the handshake completed.
        QString tlsProtocol;
        /// Who greeted (inside TLS for ImplicitTls); Unknown when nothing known came in time.
        GreetingSniffer::Speaker greeting = GreetingSniffer::Speaker::Unknown;
        /// The greeting's first line (clipped), as evidence.
        QByteArray greetingLine;
        /// What happened, in words, for a finding's detail.
        QString evidence;
    };

    explicit PortSniffer(QObject* parent = nullptr);
    ~PortSniffer() override;
    Q_DISABLE_COPY_MOVE(PortSniffer)

    /// `serverName` goes into SNI (when it is a name, not an address).
    void start(Question question, const QHostAddress& address, quint16 port, const QString& serverName,
               int boundMs);
    bool isFinished() const { return m_finished; }
    Question question() const { return m_question; }
    Result result() const { return m_result; }

    /// True when an OpenSSL handshake error names an alert the server sent (reason strings such
    /// as "sslv3 alert handshake failure", "tlsv1 alert protocol version", "tlsv13 alert
    /// certificate required"): the server spoke TLS, it only refused this handshake.
    static bool namesServerAlert(const QString& handshakeError);
    /// True when an OpenSSL handshake error says the peer's first bytes were no TLS record at all
    /// ("wrong version number": a plaintext greeting such as "220 " or "* OK" read as a record).
    static bool namesPlaintextPeer(const QString& handshakeError);

Q_SIGNALS:
    void finished();

private:
    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void onError(QAbstractSocket::SocketError error);
    void onBound();
    void conclude();

    /// Enough for any greeting's first words.
    static constexpr qsizetype MaxGreetingBytes = 512;

    QSslSocket m_socket;
    QTimer m_bound;
    Question m_question = Question::ImplicitTls;
    QString m_serverName;
    QByteArray m_greeting;
    Result m_result;
    bool m_encrypted = false;
    bool m_finished = false;
};
