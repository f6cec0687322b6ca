"""The results screen: counting a closed poll, signing keys, exporting the signed bundle."""
