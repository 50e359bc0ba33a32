#include "ReplyExplainer.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("ReplyExplainer", text); }
} // namespace

QString ReplyExplainer::explain(Protocol protocol, const QByteArray& statusLine)
{
    switch (protocol) {
    case Protocol::Smtp:
        return explainSmtp(statusLine);
    case Protocol::Imap:
        return explainImap(statusLine);
    case Protocol::Pop3:
        return explainPop3(statusLine);
    }
    return {};
}

QByteArray ReplyExplainer::enhancedCode(const QByteArray& smtpLine)
{
    // RFC 3463 s.2: class "." subject "." detail, right after the reply code.
    static const QRegularExpression re(QStringLiteral("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})(\\s|$)"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(smtpLine));
    return m.hasMatch() ? m.captured(1).toLatin1() : QByteArray();
}

QByteArray ReplyExplainer::responseCode(const QByteArray& line)
{
    const qsizetype open = line.indexOf('[');
    if (open < 0)
        return {};
    const qsizetype close = line.indexOf(']', open);
    if (close < 0)
        return {};
    const QByteArray inside = line.mid(open + 1, close - open - 1).trimmed();
    const qsizetype space = inside.indexOf(' ');
    return (space < 0 ? inside : inside.left(space)).toUpper();
}

QString ReplyExplainer::explainSmtp(const QByteArray& line)
{
    const int code = line.left(3).toInt();
    const QByteArray enhanced = enhancedCode(line);
    // Enhanced codes are the more precise (RFC 5248 registry); fall back to the reply code.
    if (enhanced == "5.7.8")
        return tr("The user name or password is wrong (or this account may not log in here).");
    if (enhanced == "5.7.9")
        return tr(
            "The server refuses this login method as too weak; many providers (Gmail, Outlook) say this "
            "when the account needs an application-specific password instead of the normal one.");
    if (enhanced == "5.7.11")
        return tr("The server requires encryption for this login method: start TLS first.");
    if (enhanced == "4.7.12")
        return tr("The password must be changed (a password transition is needed) before this login method "
                  "works.");
    if (enhanced == "5.7.0" && code == 530)
        return tr("The server requires something first, usually STARTTLS (\"must issue a STARTTLS command "
                  "first\") or authentication.");
    if (enhanced == "4.7.0" || code == 454)
        return tr("A temporary problem on the server (often its password database is unreachable); try again "
                  "later.");
    if (enhanced == "5.5.4" || code == 504)
        return tr("The server does not support this login method.");
    if (enhanced == "5.7.1")
        return tr("The server refuses this on policy grounds (not permitted for this client or account).");
    switch (code) {
    case 421:
        return tr("The server is shutting the connection down (overloaded, or too many errors).");
    case 432:
        return tr("The password must be changed before this login method works.");
    case 500:
    case 501:
        return tr("The server did not understand the command or its argument (a malformed or cancelled "
                  "exchange).");
    case 502:
    case 503:
        return tr("The server does not accept this command now (not offered, or a wrong sequence, e.g. AUTH "
                  "twice or before EHLO).");
    case 530:
        return tr("The server requires authentication or STARTTLS first.");
    case 534:
        return tr("The login method is too weak for the server, or an application-specific password is "
                  "required.");
    case 535:
        return tr("The credentials were not accepted: wrong user name or password.");
    case 538:
        return tr("The server requires encryption for this login method: start TLS first.");
    default:
        return {};
    }
}

QString ReplyExplainer::explainImap(const QByteArray& line)
{
    // RFC 5530 response codes; RFC 9051 s.7.1.
    const QByteArray code = responseCode(line);
    if (code == "AUTHENTICATIONFAILED")
        return tr("The user name or password is wrong.");
    if (code == "AUTHORIZATIONFAILED")
        return tr("The credentials are right, but this identity may not be used (authorization refused).");
    if (code == "PRIVACYREQUIRED")
        return tr("The server only accepts this over an encrypted connection: start TLS first.");
    if (code == "UNAVAILABLE")
        return tr("A temporary problem on the server (its authentication backend is unavailable); try again "
                  "later.");
    if (code == "EXPIRED")
        return tr("The password or account has expired.");
    if (code == "CONTACTADMIN")
        return tr("The account needs the administrator's attention (the server says to contact them).");
    if (code == "LIMIT")
        return tr("A server limit was hit (for example too many sessions or failed logins).");
    if (code == "INUSE")
        return tr("The account or mailbox is in use by another session.");
    if (code == "ALERT")
        return tr("The server attached an alert meant for the user; read its text.");
    QByteArray after;
    const qsizetype space = line.indexOf(' ');
    if (space >= 0)
        after = line.mid(space + 1).trimmed().toUpper();
    if (after.startsWith("BAD"))
        return tr("The server did not understand the command (a protocol error, not a wrong password).");
    if (after.startsWith("NO"))
        return tr("The server refused; it gave no machine-readable reason, so its text is all there is.");
    return {};
}

QString ReplyExplainer::explainPop3(const QByteArray& line)
{
    // RFC 2449 s.8 and RFC 3206 response codes.
    const QByteArray code = responseCode(line);
    if (code == "AUTH")
        return tr("The user name or password is wrong.");
    if (code == "SYS/TEMP")
        return tr("A temporary problem on the server; try again later.");
    if (code == "SYS/PERM")
        return tr("A permanent problem on the server side; the administrator has to fix it.");
    if (code == "IN-USE")
        return tr("The mailbox is locked by another POP3 session.");
    if (code == "LOGIN-DELAY")
        return tr("Logged in too soon after the last login; the server enforces a delay.");
    return {};
}
