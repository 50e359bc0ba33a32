#pragma once

#include "run/Run.h"

#include <QCoreApplication>
#include <QPalette>
#include <QString>

/**
 * The TLS panel's list of accepted cipher suites as rich text: per version, each suite with its
 * rating (colour and marker), key exchange (DH size or group), encryption and why it is rated
 * below acceptable; the IANA name and code as the suite's tooltip. Ratings are SuiteRating's; a
 * report saved before suites were recorded shows the names with their weak-cipher notes.
 */
class TlsSuiteTable final
{
    Q_DECLARE_TR_FUNCTIONS(TlsSuiteTable)

public:
    /// Empty when the run has no accepted ciphers.
    static QString html(const Run& run, const QPalette& palette);
};
