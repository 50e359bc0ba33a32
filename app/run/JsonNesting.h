#pragma once

#include <QByteArray>

/**
 * The deepest nesting of arrays and objects in a JSON document, counted outside strings without
 * building anything. It stops as soon as `limit` is passed, so a document of a million '[' costs
 * one pass and no recursion, and is refused before QJsonDocument recurses into it. Every reader
 * of a file or report that a user or a peer can hand us calls this first.
 */
int jsonNestingDepth(const QByteArray& json, int limit);
