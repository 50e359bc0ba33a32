#pragma once

#include "tls/TlsClientOptions.h"
#include "tls/TlsHandshakeInfo.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

/**
 * The seam between the protocol engine and the network: a connection that delivers CRLF lines
 * and can be upgraded to TLS. SslLineTransport puts a real QSslSocket behind it; tests put an
 * in-memory fake behind it and check the exact bytes the engine writes.
 *
 * Reading is pull-based on purpose: the engine decides how many lines it consumes, so that after
 * a STARTTLS go-ahead it can take the rest of the buffer as *unprocessed* bytes (RFC 3207 s.4)
 * instead of having them pushed at it as protocol.
 */
class LineTransport : public QObject
{
    Q_OBJECT

public:
    enum class Error
    {
        ConnectionRefused,
        Timeout,
        RemoteClosed,
        HandshakeFailed,
        Other,
    };
    Q_ENUM(Error)

    /// Longest line accepted, counted without its line ending (so 65,536 bytes + CRLF is fine);
    /// past it the transport stops buffering and reports overflowed().
    static constexpr qsizetype DefaultMaxLineLength = 64 * 1024;

    explicit LineTransport(QObject* parent = nullptr);
    ~LineTransport() override;
    Q_DISABLE_COPY_MOVE(LineTransport)

    virtual void connectToHost(const QHostAddress& address, quint16 port) = 0;
    virtual void write(const QByteArray& bytes) = 0;
    /// Starts the client side of a TLS handshake on the open connection.
    virtual void startClientEncryption(const TlsClientOptions& options) = 0;
    virtual bool isEncrypted() const = 0;
    /// What the last handshake negotiated and how verification went; valid after encrypted().
    virtual TlsHandshakeInfo handshakeInfo() const = 0;
    /// Closes the connection at once; emits nothing further.
    virtual void abort() = 0;
    /// Closes politely (flushes pending writes first).
    virtual void disconnectFromHost() = 0;
    /// Bytes handed to write() that have not reached the network yet (the socket's buffers, TLS
    /// records included). A large message is fed in chunks against this, so it is never buffered
    /// whole; 0 for a transport that takes everything at once.
    virtual qint64 pendingWriteBytes() const { return 0; }

    bool canReadLine() const;
    /// The next complete line without its line ending (CRLF or a bare LF).
    QByteArray readLine();
    /// The line readLine() would return, left in the buffer; empty when no line is complete.
    QByteArray peekLine() const;
    /// Everything received and not yet read, including a partial line, and everything still
    /// buffered below; the buffer is empty afterwards.
    QByteArray takeUnread();
    /// What was received and not yet read (a partial line included), left in place.
    QByteArray unreadBytes() const { return m_buffer; }
    void setMaxLineLength(qsizetype length) { m_maxLineLength = length; }
    /// True once a line longer than the maximum arrived; nothing more is buffered after that.
    /// Reported through linesAvailable(), so the engine meets it when it next reads.
    bool overflowed() const { return m_overflowed; }
    /// Raw mode: received bytes are no longer split into lines, only buffered, and each arrival
    /// emits bytesAvailable() instead of linesAvailable(); read them with takeUnread(). A raw
    /// TLS probe switches to it after the protocol's go-ahead, to read the server's binary answer
    /// to its own ClientHello. The owner bounds how much it lets accumulate.
    void setRawMode(bool raw) { m_raw = raw; }
    bool isRawMode() const { return m_raw; }

Q_SIGNALS:
    void connected();
    /// One or more complete lines can be read.
    void linesAvailable();
    /// Raw mode only: bytes arrived (takeUnread() has them).
    void bytesAvailable();
    void encrypted();
    /// Some written bytes went out, so pendingWriteBytes() may have room again.
    void writeProgressed();
    void errorOccurred(LineTransport::Error error, const QString& message);
    void disconnected();

protected:
    /// Subclasses hand every received byte here.
    void appendReceived(const QByteArray& bytes);
    /// Subclasses drain whatever their own layer still buffers (used by takeUnread()).
    virtual QByteArray drainLowerBuffer() { return {}; }

private:
    QByteArray m_buffer;
    /// Where the first line without a line ending starts in m_buffer (0 when none is complete).
    qsizetype m_lineStart = 0;
    qsizetype m_maxLineLength = DefaultMaxLineLength;
    bool m_overflowed = false;
    bool m_raw = false;
};
