#pragma once

#include "run/Run.h"

#include <QString>
#include <QStringList>

/**
 * The command line a user runs next when a check learned better settings (Run::suggestion): the
 * same arguments, with --protocol and --tls set to the suggested values (replaced where they
 * were given, added where they differ from what the run used), quoted for a POSIX shell.
 */
namespace RerunCommand {

/// `arguments` as the program received them (program name first); `used` are the protocol and
/// TLS mode the run actually used (from the options or the port's defaults).
QString build(const QStringList& arguments, const RunSuggestion& suggestion, Protocol usedProtocol,
              TlsMode usedTls);

/// One argument quoted for a POSIX shell ('...' when it holds anything but safe characters).
QString shellQuoted(const QString& argument);

} // namespace RerunCommand
