#pragma once

#include "Reply.h"
#include "run/Types.h"

#include <QStringList>

#include <memory>

/**
 * What differs between SMTP, IMAP and POP3, behind one interface the single ProbeSession drives:
 * how a reply is framed, which commands read capabilities, start TLS and quit, and what the
 * capabilities mean. A dialect never touches a socket; it turns lines into replies and
 * requests into bytes, so it is tested with plain data.
 */
class Dialect
{
public:
    enum class Expect { Banner, Capabilities, StartTls, Quit, Generic };
    enum class Feed { NeedMore, Complete, Malformed, TooLong };

    Dialect() = default;
    virtual ~Dialect();
    Q_DISABLE_COPY_MOVE(Dialect)

    static std::unique_ptr<Dialect> create(Protocol protocol, const QByteArray& heloName);

    virtual Protocol protocol() const = 0;

    /// Starts framing a new reply of the given kind.
    virtual void expectReply(Expect expect) = 0;
    /// Feeds one received line (without its line ending).
    virtual Feed feed(const QByteArray& line) = 0;
    /// The completed reply; valid after feed() returned Complete.
    virtual Reply takeReply() = 0;
    /// Why the last feed() returned Malformed or TooLong, in words.
    virtual QString problem() const = 0;

    /// The command that reads capabilities; `attempt` 1 is the fallback (SMTP HELO).
    /// Empty when there is no such attempt.
    virtual QByteArray capabilityCommand(int attempt) = 0;
    virtual QStringList capabilities(const Reply& reply) const = 0;
    virtual bool offersStartTls(const QStringList& capabilities) const = 0;
    /// True when the capabilities offer a way to send a password.
    virtual bool offersAuth(const QStringList& capabilities) const = 0;
    virtual QByteArray startTlsCommand() = 0;
    virtual QByteArray quitCommand() = 0;
    /// The name of the STARTTLS verb in this protocol ("STARTTLS", "STLS").
    virtual QString startTlsVerb() const = 0;
};
