"""The roll screen: importing the resident roll with a preview, all or nothing."""
